with

arrests as (
    select * from {{ ref('stg_ucr__arrests') }}
),

county_code_map as (
    select * from {{ ref('int_county_code_map') }}
),

offense_classes as (
    select * from {{ ref('stg_reference__ucr_offense_classes') }}
),

final as (
    -- Each row on the 2010 county its code stands for (int_county_code_map, where county codes are mapped).
    -- Only offenses in the UCR arrest total count (curfew, runaway and suspicion are not arrests for a
    -- crime); each is split by the ICE level it is taken to correspond to. An offense without a row counts as
    -- no arrests.
    select
        county_code_map.county_fips,
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
        bool_or(arrests.is_synthetic) as is_synthetic,
        count(*) as n_offense_rows
    from arrests
    inner join county_code_map
        on arrests.source_county_fips = county_code_map.source_county_fips
    inner join offense_classes
        on arrests.offense_code = offense_classes.offense_code
    group by county_code_map.county_fips, arrests.data_year
)

select * from final
