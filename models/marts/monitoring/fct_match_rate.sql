-- Statistic 1: IDENT matches against submissions × foreign-born share (METHODS.md). Real data only: ICE and ACS.
with

inputs as (
    select * from {{ ref('int_statistic_inputs') }}
    where window_quarters = {{ var('window_quarters') }}
),

scored as (
    {{ scored_statistic(1, 'inputs') }}
),

final as (
    select
        scored.county_fips,
        {{ statistic_context_columns('inputs') }},
        inputs.submissions,
        inputs.matches_total,
        inputs.exposure_years,
        inputs.acs_vintage,
        inputs.foreign_born_share,
        {{ statistic_score_columns('scored') }}
    from scored
    inner join inputs
        on scored.county_fips = inputs.unit_fips and scored.reporting_period = inputs.reporting_period
)

select * from final
