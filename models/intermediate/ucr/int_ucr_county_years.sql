with

arrests as (
    select * from {{ ref('stg_ucr__arrests') }}
),

offense_classes as (
    select * from {{ ref('stg_reference__ucr_offense_classes') }}
),

final as (
    -- Only offenses in the UCR arrest total count (curfew, runaway and suspicion are not arrests for a
    -- crime); each is split by the ICE level it is taken to correspond to. An offense without a row counts as
    -- no arrests.
    select
        arrests.county_fips,
        arrests.data_year,
        coalesce(
            {{ integer_sum('case when offense_classes.in_arrest_total then arrests.arrests end') }}, 0
        ) as arrests_total,
        coalesce({{ integer_sum(
            'case when offense_classes.in_arrest_total and offense_classes.ice_level_equivalent = 1 then arrests.arrests end'
        ) }}, 0) as arrests_level1,
        coalesce({{ integer_sum(
            'case when offense_classes.in_arrest_total and offense_classes.ice_level_equivalent = 2 then arrests.arrests end'
        ) }}, 0) as arrests_level2,
        coalesce({{ integer_sum(
            'case when offense_classes.in_arrest_total and offense_classes.ice_level_equivalent = 3 then arrests.arrests end'
        ) }}, 0) as arrests_level3,
        max(arrests.coverage_indicator) as coverage_indicator,
        min(arrests.coverage_indicator) as coverage_indicator_min,
        bool_or(arrests.is_synthetic) as is_synthetic,
        count(*) as n_offense_rows
    from arrests
    inner join offense_classes
        on arrests.offense_code = offense_classes.offense_code
    group by arrests.county_fips, arrests.data_year
)

select * from final
