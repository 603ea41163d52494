with

units as (
    select * from {{ ref('int_reporting_units') }}
),

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

identifications as (
    select * from {{ ref('int_identifications_unit_periods') }}
),

census as (
    select * from {{ ref('int_census_unit_periods') }}
),

ucr as (
    select * from {{ ref('int_ucr_unit_periods') }}
),

windows as (
    -- The scoring window and, for the review packet and the one-quarter alternative, the period's own quarter.
    select
        reporting_period,
        {{ var('window_quarters') }} as window_quarters,
        window_start_date
    from periods
    {%- if var('window_quarters') != 1 %}
        union all
        select
            reporting_period,
            1 as window_quarters,
            quarter_start_date as window_start_date
        from periods
    {%- endif %}
),

minor_definitions as (
    -- Level 3 alone only when every row of the period that has level data splits Levels 2 and 3;
    -- otherwise "not Level 1" (Levels 2 and 3 together) for every unit, so all units share one yardstick.
    select
        reporting_period,
        window_quarters,
        case
            when sum(n_rows_with_level_data) > 0 and sum(n_rows_with_level_data) = sum(n_rows_with_split_levels)
                then 'level3'
            else 'level2_3'
        end as minor_definition
    from identifications
    group by reporting_period, window_quarters
),

unit_periods as (
    select
        units.unit_fips,
        units.unit_name,
        units.state_abbrev,
        units.member_counties,
        units.n_member_counties,
        units.population_2010,
        units.activation_date,
        periods.reporting_period,
        windows.window_quarters,
        periods.period_year,
        periods.is_selected_period,
        windows.window_start_date,
        periods.quarter_end_date as window_end_date,
        coalesce(minor_definitions.minor_definition, 'level2_3') as minor_definition
    from units
    cross join periods
    inner join windows
        on periods.reporting_period = windows.reporting_period
    left join minor_definitions
        on
            windows.reporting_period = minor_definitions.reporting_period
            and windows.window_quarters = minor_definitions.window_quarters
),

joined as (
    select
        unit_periods.*,
        coalesce(unit_periods.activation_date <= unit_periods.window_end_date, false) as is_activated,
        coalesce(identifications.n_source_rows, 0) as n_source_rows,
        identifications.first_period_start_date as counts_start_date,
        identifications.last_period_end_date as counts_end_date,
        coalesce(identifications.submissions, 0) as submissions,
        coalesce(identifications.matches_total, 0) as matches_total,
        identifications.matches_level1,
        identifications.matches_level2_3,
        identifications.matches_level3,
        coalesce(identifications.exposure_years, 0) as exposure_years,
        census.acs_vintage,
        census.census_population,
        census.foreign_born_share,
        census.foreign_born_share_moe,
        census.other_acs_vintage,
        census.other_vintage_foreign_born_share,
        ucr.ucr_data_year,
        ucr.ucr_arrests_total,
        ucr.ucr_coverage_indicator,
        coalesce(ucr.ucr_is_synthetic, false) as ucr_is_synthetic,
        case
            when unit_periods.minor_definition = 'level3' then identifications.matches_level3
            else identifications.matches_level2_3
        end as matches_minor,
        case
            when unit_periods.minor_definition = 'level3' then ucr.ucr_arrests_level3
            else ucr.ucr_arrests_level2 + ucr.ucr_arrests_level3
        end as ucr_arrests_minor
    from unit_periods
    left join identifications
        on
            unit_periods.unit_fips = identifications.unit_fips
            and unit_periods.reporting_period = identifications.reporting_period
            and unit_periods.window_quarters = identifications.window_quarters
    left join census
        on
            unit_periods.unit_fips = census.unit_fips
            and unit_periods.reporting_period = census.reporting_period
    left join ucr
        on
            unit_periods.unit_fips = ucr.unit_fips
            and unit_periods.reporting_period = ucr.reporting_period
),

final as (
    select
        *,
        matches_level1 + matches_level2_3 as matches_known_level,
        matches_total - coalesce(matches_level1 + matches_level2_3, 0) as matches_unknown_level,
        ucr_arrests_minor / nullif(ucr_arrests_total, 0) as ucr_minor_share,
        -- Why a unit cannot be scored on any statistic in this period.
        case
            when submissions = 0 and not is_activated then 'not_activated'
            when submissions = 0 then 'no_submissions'
        end as unit_invalid_reason,
        -- The same for the statistics that use UCR data (2 and 3).
        case
            when ucr_arrests_total is null then 'missing_ucr'
            when ucr_arrests_total = 0 then 'zero_ucr_arrests'
            when ucr_coverage_indicator < {{ var('min_ucr_coverage') }} then 'low_ucr_coverage'
        end as ucr_invalid_reason
    from joined
)

select * from final
