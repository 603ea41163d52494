-- Paule–Mandel τ² and z of overdispersion_scores against metafor 3.8.1 rma(method = "PM") on the 20 ratio units
-- of FunnelPlotR's example (square-root transform): τ² = 0.005706195752, z_pm to 10 decimals.
with

reference as (
    select * from {{ ref('ref_sr_sqrt_paule_mandel') }}
),

units as (
    select
        'example' as reporting_period,
        "group" as county_fips,
        true as is_eligible,
        sqrt(numerator / denominator) as y_stabilised,
        1.0 as y_target,
        1.0 / (2.0 * sqrt(denominator)) as y_standard_error
    from reference
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
    abs(scored.tau2 - 0.005706195752) > 1e-11
    or abs(scored.z_score - reference.z_pm) > 1e-9
