-- A warning, not an error: counties with identification rows but no row in the census or UCR table. They are
-- listed in the marts as not scored (missing_census, missing_ucr); a long list usually means a file is incomplete.
{{ config(severity='warn') }}

with

identified as (
    select distinct county_fips from {{ ref('stg_ice__identifications') }}
),

census as (
    select distinct county_fips from {{ ref('stg_census__foreign_born') }}
),

ucr as (
    select distinct county_fips from {{ ref('stg_ucr__arrests') }}
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
