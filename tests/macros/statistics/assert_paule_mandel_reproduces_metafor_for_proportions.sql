-- Paule–Mandel τ² and z of overdispersion_scores against metafor 3.8.1 on the 20 proportion units of
-- FunnelPlotR's example (arcsine-square-root transform, target = pooled proportion): τ² = 0.00413495582688.
with

reference as (
    select * from {{ ref('ref_pr_arcsine_paule_mandel') }}
),

pooled as (
    select sum(numerator) / sum(denominator) as pooled_share
    from reference
),

units as (
    select
        'example' as reporting_period,
        reference."group" as county_fips,
        true as is_eligible,
        asin(sqrt(reference.numerator / reference.denominator)) - asin(sqrt(pooled.pooled_share)) as y_stabilised,
        0.0 as y_target,
        1.0 / (2.0 * sqrt(reference.denominator)) as y_standard_error
    from reference
    cross join pooled
),

scored as (
    {{ overdispersion_scores('units', tau2_method='paule_mandel') }}
)

select
    scored.county_fips,
    scored.tau2,
    scored.z_score,
    reference.z_pm
from scored
inner join reference
    on scored.county_fips = reference."group"
where
    abs(scored.tau2 - 0.00413495582688) > 1e-12
    or abs(scored.z_score - reference.z_pm) > 1e-9
