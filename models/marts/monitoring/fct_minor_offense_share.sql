-- Statistic 3: less-serious matches among matches of known level, against the less-serious share of the
-- unit's UCR arrests (METHODS.md).
with

inputs as (
    select * from {{ ref('int_statistic_inputs') }}
    where window_quarters = {{ var('window_quarters') }}
),

scored as (
    {{ scored_statistic(3, 'inputs') }}
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
