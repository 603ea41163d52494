-- The NHS/CQC convention against FunnelPlotR 0.6.0 on its 20 proportion units (arcsine-square-root transform,
-- target = pooled proportion 0.4548633185, 10 % winsorisation): φ = 1.87797056924, τ² = 0.00170454463283.
with

reference as (
    select * from {{ ref('ref_pr') }}
),

units as (
    select
        'example' as reporting_period,
        "group" as county_fips,
        true as is_eligible,
        y - target_transformed as y_stabilised,
        0.0 as y_target,
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
    scored.z_score,
    reference.odzscore
from scored
inner join reference
    on scored.county_fips = reference."group"
where
    abs(scored.phi - 1.87797056924) > 1e-10
    or abs(scored.tau2 - 0.00170454463283) > 1e-12
    or abs(scored.z_score - reference.odzscore) > 1e-10
