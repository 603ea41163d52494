-- funnel_limit ('sqrt_ratio') against the correct ratio-scale overdispersed limits of the reference values'
-- README: (1 ± 1.96·sqrt(s² + τ²))², s = 1/(2 sqrt E), τ² = 0.00307704338098, at E = 900, 25 and 2.5 (4 decimals).
with

reference as (
    select
        *,
        sqrt(1.0 / (4.0 * expected) + tau2) as score_standard_error
    from {{ ref('funnel_od_limits') }}
),

computed as (
    select
        expected,
        lower,
        upper,
        {{ funnel_limit('sqrt_ratio', -funnel_z('95'), 'score_standard_error') }} as lower_computed,
        {{ funnel_limit('sqrt_ratio', funnel_z('95'), 'score_standard_error') }} as upper_computed
    from reference
)

select *
from computed
where abs(lower_computed - lower) > 0.00005 or abs(upper_computed - upper) > 0.00005
