with

source as (
    select * from {{ ref('ref_fips_splits') }}
),

renamed as (
    select
        source_fips,
        county_fips,
        has_residents,
        cast(effective_date as date) as effective_date,
        note
    from source
)

select * from renamed
