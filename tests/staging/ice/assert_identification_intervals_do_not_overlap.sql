-- CONTRACT.md: intervals of one county must not overlap (a later row must start after the previous one ends),
-- or the same fingerprints would be counted twice in a window. One county is one 2010 county, whatever code a row
-- gives it (rule intervals_do_not_overlap of the raw contract, models/staging/_raw__sources.yml).
with

identifications as (
    select * from {{ ref('stg_ice__identifications') }}
),

county_code_map as (
    select * from {{ ref('int_county_code_map') }}
),

ordered as (
    select
        county_code_map.county_fips,
        identifications.source_county_fips,
        identifications.period_start_date,
        identifications.period_end_date,
        identifications.source_file,
        identifications.source_line_number,
        lag(identifications.period_end_date) over (
            partition by county_code_map.county_fips
            order by identifications.period_start_date, identifications.period_end_date
        ) as previous_period_end_date
    from identifications
    inner join county_code_map
        on identifications.source_county_fips = county_code_map.source_county_fips
)

select *
from ordered
where period_start_date <= previous_period_end_date
