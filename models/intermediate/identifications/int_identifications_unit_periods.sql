with

identifications as (
    select * from {{ ref('stg_ice__identifications') }}
),

county_code_map as (
    select * from {{ ref('int_county_code_map') }}
),

county_units as (
    select * from {{ ref('int_county_units') }}
),

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

windows as (
    -- Each period is summed over its scoring window (var window_quarters) and, for the review packet's quarterly
    -- figures and the one-quarter sensitivity alternative, over its own quarter alone.
    select
        reporting_period,
        {{ var('window_quarters') }} as window_quarters,
        window_start_date,
        quarter_end_date
    from periods
    {%- if var('window_quarters') != 1 %}
        union all
        select
            reporting_period,
            1 as window_quarters,
            quarter_start_date as window_start_date,
            quarter_end_date
        from periods
    {%- endif %}
),

county_identifications as (
    -- Each row on the 2010 county its code stands for (int_county_code_map, where county codes are mapped).
    select
        county_code_map.county_fips,
        identifications.period_start_date,
        identifications.period_end_date,
        identifications.submissions,
        identifications.matches_total,
        identifications.matches_level1,
        identifications.matches_level2,
        identifications.matches_level3,
        identifications.matches_level2_3
    from identifications
    inner join county_code_map
        on identifications.source_county_fips = county_code_map.source_county_fips
),

submissions_before_activation as (
    -- ICE reports only activated jurisdictions: a row with submissions that ends before the reference activation
    -- date proves the reference late, so exposure counts from that row's start instead. A row that only
    -- overlaps the activation date is clipped to it (a county activated mid-quarter).
    select
        county_identifications.county_fips,
        min(county_identifications.period_start_date) as first_submission_start_date
    from county_identifications
    inner join county_units
        on county_identifications.county_fips = county_units.county_fips
    where
        county_identifications.submissions > 0
        and county_identifications.period_end_date < county_units.activation_date
    group by county_identifications.county_fips
),

rows_in_window as (
    select
        windows.reporting_period,
        windows.window_quarters,
        county_units.unit_fips,
        county_identifications.period_start_date,
        county_identifications.period_end_date,
        county_identifications.submissions,
        county_identifications.matches_total,
        county_identifications.matches_level1,
        county_identifications.matches_level3,
        coalesce(
            county_identifications.matches_level2_3,
            county_identifications.matches_level2 + county_identifications.matches_level3
        ) as matches_level2_3,
        county_identifications.matches_level1 is not null
        and (
            county_identifications.matches_level2_3 is not null
            or (county_identifications.matches_level2 is not null and county_identifications.matches_level3 is not null)
        ) as has_level_data,
        county_identifications.matches_level1 is not null
        and county_identifications.matches_level2 is not null
        and county_identifications.matches_level3 is not null as has_split_levels,
        -- Exposure counts only days after activation: a row may start before the county was switched on.
        greatest(
            0,
            {{ days_between(
                'greatest(county_identifications.period_start_date, coalesce(submissions_before_activation.first_submission_start_date, county_units.activation_date, county_identifications.period_start_date))',
                'county_identifications.period_end_date'
            ) }} + 1
        ) as exposure_days
    from county_identifications
    inner join windows
        on
            county_identifications.period_end_date >= windows.window_start_date
            and county_identifications.period_end_date <= windows.quarter_end_date
    inner join county_units
        on county_identifications.county_fips = county_units.county_fips
    left join submissions_before_activation
        on county_identifications.county_fips = submissions_before_activation.county_fips
),

final as (
    select
        unit_fips,
        reporting_period,
        window_quarters,
        count(*) as n_source_rows,
        min(period_start_date) as first_period_start_date,
        max(period_end_date) as last_period_end_date,
        {{ integer_sum('submissions') }} as submissions,
        {{ integer_sum('matches_total') }} as matches_total,
        {{ integer_sum('case when has_level_data then matches_level1 end') }} as matches_level1,
        {{ integer_sum('case when has_level_data then matches_level2_3 end') }} as matches_level2_3,
        {{ integer_sum('case when has_split_levels then matches_level3 end') }} as matches_level3,
        count(case when has_level_data then 1 end) as n_rows_with_level_data,
        count(case when has_split_levels then 1 end) as n_rows_with_split_levels,
        sum(exposure_days) / 365.25 as exposure_years
    from rows_in_window
    group by unit_fips, reporting_period, window_quarters
)

select * from final
