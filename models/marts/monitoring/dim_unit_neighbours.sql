-- Adjacent reporting units: two units are neighbours when a member county of one borders a member county of the
-- other (ref_county_adjacency); a unit is not its own neighbour.
with

county_units as (
    select * from {{ ref('int_county_units') }}
),

units as (
    select * from {{ ref('int_reporting_units') }}
),

adjacency as (
    select * from {{ ref('stg_reference__county_adjacency') }}
),

unit_pairs as (
    select distinct
        unit.unit_fips,
        neighbour.unit_fips as neighbor_unit_fips
    from adjacency
    inner join county_units as unit
        on adjacency.county_fips = unit.county_fips
    inner join county_units as neighbour
        on adjacency.neighbor_fips = neighbour.county_fips
    where unit.unit_fips != neighbour.unit_fips
),

final as (
    select
        unit_pairs.unit_fips as county_fips,
        unit_pairs.neighbor_unit_fips as neighbor_fips,
        units.unit_name as neighbor_name,
        units.state_abbrev as neighbor_state_abbrev
    from unit_pairs
    inner join units
        on unit_pairs.neighbor_unit_fips = units.unit_fips
)

select * from final
