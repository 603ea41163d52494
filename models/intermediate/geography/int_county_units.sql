with

counties as (
    select * from {{ ref('stg_reference__counties') }}
),

activations as (
    select * from {{ ref('stg_reference__sc_activations') }}
),

reporting_units as (
    select * from {{ ref('stg_reference__reporting_units') }}
),

final as (
    select
        counties.county_fips,
        coalesce(reporting_units.unit_fips, counties.county_fips) as unit_fips,
        coalesce(reporting_units.unit_name, counties.county_name || ', ' || counties.state_abbrev) as unit_name,
        counties.state_fips,
        counties.state_abbrev,
        counties.county_name,
        counties.population_2010,
        activations.activation_date,
        activations.activation_date_precision
    from counties
    left join reporting_units
        on counties.county_fips = reporting_units.county_fips
    left join activations
        on counties.county_fips = activations.county_fips
)

select * from final
