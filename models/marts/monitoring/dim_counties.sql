with

county_units as (
    select * from {{ ref('int_county_units') }}
),

adjacency as (
    select * from {{ ref('stg_reference__county_adjacency') }}
),

neighbor_counts as (
    select
        county_fips,
        count(*) as n_neighbors
    from adjacency
    group by county_fips
),

final as (
    select
        county_units.county_fips,
        county_units.state_fips,
        county_units.state_abbrev,
        county_units.county_name,
        county_units.population_2010,
        county_units.activation_date,
        county_units.activation_date_precision,
        county_units.unit_fips,
        county_units.unit_name,
        coalesce(neighbor_counts.n_neighbors, 0) as n_neighbors
    from county_units
    left join neighbor_counts
        on county_units.county_fips = neighbor_counts.county_fips
)

select * from final
