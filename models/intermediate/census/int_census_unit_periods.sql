with

foreign_born as (
    select * from {{ ref('stg_census__foreign_born') }}
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

county_foreign_born as (
    -- Each row on the 2010 county its code stands for (int_county_code_map, where county codes are mapped).
    select
        county_code_map.county_fips,
        foreign_born.acs_vintage,
        foreign_born.acs_end_year,
        foreign_born.total_population,
        foreign_born.foreign_born_share,
        foreign_born.foreign_born_share_moe
    from foreign_born
    inner join county_code_map
        on foreign_born.source_county_fips = county_code_map.source_county_fips
),

vintage_candidates as (
    select
        periods.reporting_period,
        county_foreign_born.county_fips,
        county_foreign_born.acs_vintage,
        county_foreign_born.total_population,
        county_foreign_born.foreign_born_share,
        county_foreign_born.foreign_born_share_moe,
        row_number() over (
            partition by periods.reporting_period, county_foreign_born.county_fips
            order by {{ vintage_preference('county_foreign_born.acs_end_year', 'periods.period_year') }}
        ) as vintage_rank
    from county_foreign_born
    cross join periods
),

members as (
    -- The vintage the period takes and, for the sensitivity alternative, the next one (the "other" vintage).
    select
        periods.reporting_period,
        county_units.unit_fips,
        county_units.county_fips,
        chosen.acs_vintage,
        chosen.total_population,
        chosen.foreign_born_share,
        chosen.foreign_born_share_moe,
        other.acs_vintage as other_acs_vintage,
        coalesce(other.total_population, chosen.total_population) as other_total_population,
        coalesce(other.foreign_born_share, chosen.foreign_born_share) as other_foreign_born_share
    from county_units
    cross join periods
    left join vintage_candidates as chosen
        on
            county_units.county_fips = chosen.county_fips
            and periods.reporting_period = chosen.reporting_period
            and chosen.vintage_rank = 1
    left join vintage_candidates as other
        on
            county_units.county_fips = other.county_fips
            and periods.reporting_period = other.reporting_period
            and other.vintage_rank = 2
),

final as (
    -- A unit's share is its members' population-weighted share, and only when every member has one.
    select
        unit_fips,
        reporting_period,
        min(acs_vintage) as acs_vintage,
        count(distinct acs_vintage) > 1 as has_mixed_acs_vintages,
        count(*) as n_member_counties,
        count(foreign_born_share) as n_members_with_census,
        case
            when count(foreign_born_share) = count(*) then {{ integer_sum('total_population') }}
        end as census_population,
        case
            when count(foreign_born_share) = count(*)
                then sum(total_population * foreign_born_share) / sum(total_population)
        end as foreign_born_share,
        case
            when count(foreign_born_share_moe) = count(*)
                then sqrt(sum(power(total_population * foreign_born_share_moe, 2))) / sum(total_population)
        end as foreign_born_share_moe,
        -- The other vintage where a member has one (a member without keeps its own); null when none has.
        min(other_acs_vintage) as other_acs_vintage,
        case
            when count(other_foreign_born_share) = count(*)
                then sum(other_total_population * other_foreign_born_share) / sum(other_total_population)
        end as other_vintage_foreign_born_share
    from members
    group by unit_fips, reporting_period
)

select * from final
