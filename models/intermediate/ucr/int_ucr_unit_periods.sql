with

members as (
    select * from {{ ref('int_ucr_county_periods') }}
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
