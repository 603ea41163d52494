-- Statistic 2: IDENT matches against UCR arrests × years of exposure × foreign-born share (METHODS.md).
with

inputs as (
    select * from {{ ref('int_statistic_inputs') }}
),

statistic_inputs as (
    select
        unit_fips as county_fips,
        member_counties,
        reporting_period,
        is_selected_period,
        window_start_date,
        window_end_date,
        submissions,
        matches_total,
        exposure_years,
        acs_vintage,
        foreign_born_share,
        ucr_data_year,
        ucr_arrests_total,
        ucr_coverage_indicator,
        ucr_is_synthetic,
        matches_total as observed,
        ucr_arrests_total * exposure_years * foreign_born_share as expected_basis,
        cast(null as double) as trials,
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
        county_fips,
        member_counties,
        reporting_period,
        is_selected_period,
        window_start_date,
        window_end_date,
        submissions,
        matches_total,
        exposure_years,
        acs_vintage,
        foreign_born_share,
        ucr_data_year,
        ucr_arrests_total,
        ucr_coverage_indicator,
        ucr_is_synthetic,
        {{ statistic_score_columns() }}
    from scored
)

select * from final
