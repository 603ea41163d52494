-- A warning, not an error: rows with submissions that end before the county's reference activation date. ICE
-- reports only activated jurisdictions, so the reference date is probably late; exposure then counts from the
-- start of the earliest such row (int_identifications_unit_periods). Update ref_sc_activations to silence it.
{{ config(severity='warn') }}

with

identifications as (
    select * from {{ ref('stg_ice__identifications') }}
),

county_code_map as (
    select * from {{ ref('int_county_code_map') }}
),

activations as (
    select * from {{ ref('stg_reference__sc_activations') }}
)

select
    county_code_map.county_fips,
    identifications.period_start_date,
    identifications.period_end_date,
    identifications.submissions,
    activations.activation_date,
    identifications.source_file,
    identifications.source_line_number
from identifications
inner join county_code_map
    on identifications.source_county_fips = county_code_map.source_county_fips
inner join activations
    on county_code_map.county_fips = activations.county_fips
where
    identifications.submissions > 0
    and identifications.period_end_date < activations.activation_date
