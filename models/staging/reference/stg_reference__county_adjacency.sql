with

source as (
    select * from {{ ref('ref_county_adjacency') }}
),

renamed as (
    select
        county_fips,
        neighbor_fips
    from source
)

select * from renamed
