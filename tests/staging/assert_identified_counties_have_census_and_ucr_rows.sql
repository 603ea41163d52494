-- A warning, not an error: counties with identification rows but no row in the census or UCR table. They are
-- listed in the marts as not scored (missing_census, missing_ucr); a long list usually means a file is incomplete.
-- Counties are 2010 counties, whatever code each table gives them.
{{ config(severity='warn') }}

with

county_code_map as (
    select * from {{ ref('int_county_code_map') }}
),

identified as (
    select distinct county_code_map.county_fips
    from {{ ref('stg_ice__identifications') }} as identifications
    inner join county_code_map
        on identifications.source_county_fips = county_code_map.source_county_fips
),

census as (
    select distinct county_code_map.county_fips
    from {{ ref('stg_census__foreign_born') }} as foreign_born
    inner join county_code_map
        on foreign_born.source_county_fips = county_code_map.source_county_fips
),

ucr as (
    select distinct county_code_map.county_fips
    from {{ ref('stg_ucr__arrests') }} as arrests
    inner join county_code_map
        on arrests.source_county_fips = county_code_map.source_county_fips
)

select
    identified.county_fips,
    census.county_fips is not null as has_census_row,
    ucr.county_fips is not null as has_ucr_row
from identified
left join census
    on identified.county_fips = census.county_fips
left join ucr
    on identified.county_fips = ucr.county_fips
where census.county_fips is null or ucr.county_fips is null
