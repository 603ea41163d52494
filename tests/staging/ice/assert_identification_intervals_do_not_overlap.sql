-- CONTRACT.md: intervals of one county must not overlap (a later row must start after the previous one ends),
-- or the same fingerprints would be counted twice in a window.
with

identifications as (
    select * from {{ ref('stg_ice__identifications') }}
),

ordered as (
    select
        county_fips,
        period_start_date,
        period_end_date,
        source_file,
        source_line_number,
        lag(period_end_date) over (
            partition by county_fips
            order by period_start_date, period_end_date
        ) as previous_period_end_date
    from identifications
)

select *
from ordered
where period_start_date <= previous_period_end_date
