-- Statistic 2: IDENT matches against UCR arrests × years of exposure × foreign-born share (METHODS.md).
with

inputs as (
    select * from {{ ref('int_statistic_inputs') }}
    where window_quarters = {{ var('window_quarters') }}
),

scored as (
    {{ scored_statistic(2, 'inputs') }}
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
        inputs.ucr_data_year,
        inputs.ucr_arrests_total,
        inputs.ucr_coverage_indicator,
        inputs.ucr_is_synthetic,
        {{ statistic_score_columns('scored') }}
    from scored
    inner join inputs
        on scored.county_fips = inputs.unit_fips and scored.reporting_period = inputs.reporting_period
)

select * from final
