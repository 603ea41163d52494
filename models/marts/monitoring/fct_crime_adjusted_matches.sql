-- Statistic 2: IDENT matches against UCR arrests × years of exposure × foreign-born share (METHODS.md).
with

inputs as (
    select * from {{ ref('int_statistic_inputs') }}
),

statistic_inputs as (
    select
        unit_fips as county_fips,
        reporting_period,
        matches_total as observed,
        ucr_arrests_total * exposure_years * foreign_born_share as expected_basis,
        cast(null as double) as trials,
        ucr_is_synthetic as uses_synthetic_inputs,
        case
            when unit_invalid_reason is not null then unit_invalid_reason
            when foreign_born_share is null then 'missing_census'
            when foreign_born_share <= 0 then 'zero_foreign_born_estimate'
            when ucr_invalid_reason is not null then ucr_invalid_reason
            when exposure_years <= 0 then 'no_exposure'
        end as invalid_reason
    from inputs
),

scored as (
    {{ score_statistic('statistic_inputs', 'sqrt_ratio') }}
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
