-- Statistic 3: less-serious matches among matches of known level, against the less-serious share of the
-- unit's UCR arrests (METHODS.md).
with

inputs as (
    select * from {{ ref('int_statistic_inputs') }}
),

statistic_inputs as (
    select
        unit_fips as county_fips,
        reporting_period,
        matches_minor as observed,
        matches_known_level * ucr_minor_share as expected_basis,
        cast(matches_known_level as double) as trials,
        ucr_is_synthetic as uses_synthetic_inputs,
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
        scored.county_fips,
        {{ statistic_context_columns('inputs') }},
        inputs.minor_definition,
        inputs.matches_total,
        inputs.matches_known_level,
        inputs.matches_unknown_level,
        inputs.ucr_data_year,
        inputs.ucr_arrests_total,
        inputs.ucr_arrests_minor,
        inputs.ucr_minor_share,
        inputs.ucr_coverage_indicator,
        inputs.ucr_is_synthetic,
        scored.expected_share,
        {{ statistic_score_columns('scored') }}
    from scored
    inner join inputs
        on scored.county_fips = inputs.unit_fips and scored.reporting_period = inputs.reporting_period
)

select * from final
