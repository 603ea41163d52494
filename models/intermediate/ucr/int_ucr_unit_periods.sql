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

members as (
    select
        periods.reporting_period,
        county_units.unit_fips,
        county_units.county_fips,
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
),

final as (
    -- A unit's arrests are its members' sums and its coverage their population-weighted coverage, and only
    -- when every member reported.
    select
        unit_fips,
        reporting_period,
        min(data_year) as ucr_data_year,
        count(distinct data_year) > 1 as has_mixed_ucr_years,
        count(*) as n_member_counties,
        count(data_year) as n_members_with_ucr,
        case when count(data_year) = count(*) then {{ integer_sum('arrests_total') }} end as ucr_arrests_total,
        case when count(data_year) = count(*) then {{ integer_sum('arrests_level1') }} end as ucr_arrests_level1,
        case when count(data_year) = count(*) then {{ integer_sum('arrests_level2') }} end as ucr_arrests_level2,
        case when count(data_year) = count(*) then {{ integer_sum('arrests_level3') }} end as ucr_arrests_level3,
        case
            when count(data_year) = count(*)
                then sum(population_2010 * coverage_indicator) / sum(population_2010)
        end as ucr_coverage_indicator,
        coalesce(bool_or(is_synthetic), false) as ucr_is_synthetic
    from members
    group by unit_fips, reporting_period
)

select * from final
