-- The NHS/CQC convention (tau2_method dl_winsorized) against FunnelPlotR 0.6.0 on its 20 ratio units
-- (square-root transform, 10 % winsorisation): φ = 2.54276841442, τ² = 0.00307704338098, and every unit's raw z
-- (Uzscore) and overdispersed z (ODzscore).
with

reference as (
    select * from {{ ref('ref_sr_cqc') }}
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
    {{ overdispersion_scores('units', tau2_method='dl_winsorized') }}
)

select
    scored.county_fips,
    scored.phi,
    scored.tau2,
    scored.raw_z,
    reference.uzscore,
    scored.z_score,
    reference.odzscore
from scored
inner join reference
    on scored.county_fips = reference."group"
where
    abs(scored.phi - 2.54276841442) > 1e-10
    or abs(scored.tau2 - 0.00307704338098) > 1e-12
    or abs(scored.raw_z - reference.uzscore) > 1e-10
    or abs(scored.z_score - reference.odzscore) > 1e-10
