with

county_years as (
    select * from {{ ref('int_ucr_county_years') }}
),

county_units as (
    select * from {{ ref('int_county_units') }}
),

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

year_candidates as (
    select
        periods.reporting_period,
        county_years.*,
        row_number() over (
            partition by periods.reporting_period, county_years.county_fips
            order by {{ vintage_preference('county_years.data_year', 'periods.period_year') }}
        ) as year_rank
    from county_years
    cross join periods
),

final as (
    -- Every 2010 county in every period, with the UCR data year the period takes for it (none without data).
    select
        county_units.county_fips,
        periods.reporting_period,
        county_units.unit_fips,
        county_units.population_2010,
        chosen.data_year,
        chosen.arrests_total,
        chosen.arrests_level1,
        chosen.arrests_level2,
        chosen.arrests_level3,
        chosen.coverage_indicator,
        chosen.is_synthetic
    from county_units
    cross join periods
    left join year_candidates as chosen
        on
            county_units.county_fips = chosen.county_fips
            and periods.reporting_period = chosen.reporting_period
            and chosen.year_rank = 1
)

select * from final
