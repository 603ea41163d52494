with

source as (
    select * from {{ ref('ref_counties') }}
),

renamed as (
    select
        county_fips,
        state_fips,
        state_abbrev,
        county_name,
        cast(population_2010 as bigint) as population_2010
    from source
)

select * from renamed
