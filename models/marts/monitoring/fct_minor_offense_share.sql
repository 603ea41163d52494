-- Statistic 3: less-serious matches among matches of known level, against the less-serious share of the
-- unit's UCR arrests (METHODS.md).
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
        minor_definition,
        matches_total,
        matches_known_level,
        matches_unknown_level,
        matches_minor,
        ucr_data_year,
        ucr_arrests_total,
        ucr_arrests_minor,
        ucr_minor_share,
        ucr_coverage_indicator,
        ucr_is_synthetic,
        matches_minor as observed,
        matches_known_level * ucr_minor_share as expected_basis,
        cast(matches_known_level as double) as trials,
        case
            when unit_invalid_reason is not null then unit_invalid_reason
            when coalesce(matches_known_level, 0) = 0 then 'no_known_level_matches'
            when ucr_invalid_reason is not null then ucr_invalid_reason
            when ucr_minor_share <= 0 then 'zero_ucr_minor_share'
        end as invalid_reason
    from inputs
),

scored as (
    {{ score_statistic('statistic_inputs', 'arcsine_share', min_trials=10) }}
),

final as (
    select
        county_fips,
        member_counties,
        reporting_period,
        is_selected_period,
        window_start_date,
        window_end_date,
        minor_definition,
        matches_total,
        matches_known_level,
        matches_unknown_level,
        ucr_data_year,
        ucr_arrests_total,
        ucr_arrests_minor,
        ucr_minor_share,
        ucr_coverage_indicator,
        ucr_is_synthetic,
        expected_share,
        {{ statistic_score_columns() }}
    from scored
)

select * from final
