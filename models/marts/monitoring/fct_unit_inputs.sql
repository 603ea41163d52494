-- The readers' view of every unit's inputs per reporting period (the figures the statistics start from), so that
-- dashboards and reports never read an intermediate model.
with

inputs as (
    select * from {{ ref('int_statistic_inputs') }}
    where window_quarters = {{ var('window_quarters') }}
),

final as (
    select
        unit_fips as county_fips,
        unit_name,
        state_abbrev,
        member_counties,
        n_member_counties,
        population_2010,
        activation_date,
        reporting_period,
        is_selected_period,
        window_start_date,
        window_end_date,
        counts_start_date,
        counts_end_date,
        is_activated,
        n_source_rows,
        submissions,
        matches_total,
        matches_level1,
        matches_level2_3,
        matches_level3,
        matches_known_level,
        matches_unknown_level,
        minor_definition,
        matches_minor,
        exposure_years,
        acs_vintage,
        census_population,
        foreign_born_share,
        foreign_born_share_moe,
        ucr_data_year,
        ucr_arrests_total,
        ucr_arrests_minor,
        ucr_minor_share,
        ucr_coverage_indicator,
        ucr_is_synthetic,
        unit_invalid_reason,
        ucr_invalid_reason
    from inputs
)

select * from final
