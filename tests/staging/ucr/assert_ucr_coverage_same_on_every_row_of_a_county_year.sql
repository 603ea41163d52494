-- CONTRACT.md: the coverage indicator is the county-year's, the same on every offense row of a county and data year
-- (rule coverage_same_on_every_row_of_a_county_year of the raw contract, models/staging/_raw__sources.yml); one
-- county is one 2010 county, whatever code a row gives it. Returns every row of a county-year with more than one.
with

arrests as (
    select * from {{ ref('stg_ucr__arrests') }}
),

county_code_map as (
    select * from {{ ref('int_county_code_map') }}
),

county_year_rows as (
    select
        county_code_map.county_fips,
        arrests.data_year,
        arrests.offense_code,
        arrests.coverage_indicator,
        arrests.source_file,
        arrests.source_line_number,
        min(arrests.coverage_indicator) over (
            partition by county_code_map.county_fips, arrests.data_year
        ) as county_year_coverage_min,
        max(arrests.coverage_indicator) over (
            partition by county_code_map.county_fips, arrests.data_year
        ) as county_year_coverage_max
    from arrests
    inner join county_code_map
        on arrests.source_county_fips = county_code_map.source_county_fips
)

select *
from county_year_rows
where county_year_coverage_min < county_year_coverage_max
