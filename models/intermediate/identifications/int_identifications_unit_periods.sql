with

identifications as (
    select * from {{ ref('stg_ice__identifications') }}
),

county_units as (
    select * from {{ ref('int_county_units') }}
),

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

submissions_before_activation as (
    -- ICE reports only activated jurisdictions: a row with submissions that ends before the reference activation
    -- date proves the reference late, so exposure counts from that row's start instead. A row that only
    -- overlaps the activation date is clipped to it (a county activated mid-quarter).
    select
        identifications.county_fips,
        min(identifications.period_start_date) as first_submission_start_date
    from identifications
    inner join county_units
        on identifications.county_fips = county_units.county_fips
    where
        identifications.submissions > 0
        and identifications.period_end_date < county_units.activation_date
    group by identifications.county_fips
),

rows_in_window as (
    select
        periods.reporting_period,
        county_units.unit_fips,
        identifications.period_start_date,
        identifications.period_end_date,
        identifications.submissions,
        identifications.matches_total,
        identifications.matches_level1,
        identifications.matches_level3,
        coalesce(
            identifications.matches_level2_3,
            identifications.matches_level2 + identifications.matches_level3
        ) as matches_level2_3,
        identifications.matches_level1 is not null
        and (
            identifications.matches_level2_3 is not null
            or (identifications.matches_level2 is not null and identifications.matches_level3 is not null)
        ) as has_level_data,
        identifications.matches_level1 is not null
        and identifications.matches_level2 is not null
        and identifications.matches_level3 is not null as has_split_levels,
        -- Exposure counts only days after activation: a row may start before the county was switched on.
        greatest(
            0,
            {{ days_between(
                'greatest(identifications.period_start_date, coalesce(submissions_before_activation.first_submission_start_date, county_units.activation_date, identifications.period_start_date))',
                'identifications.period_end_date'
            ) }} + 1
        ) as exposure_days
    from identifications
    inner join periods
        on
            identifications.period_end_date >= periods.window_start_date
            and identifications.period_end_date <= periods.quarter_end_date
    inner join county_units
        on identifications.county_fips = county_units.county_fips
    left join submissions_before_activation
        on identifications.county_fips = submissions_before_activation.county_fips
),

final as (
    select
        unit_fips,
        reporting_period,
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
    group by unit_fips, reporting_period
)

select * from final
