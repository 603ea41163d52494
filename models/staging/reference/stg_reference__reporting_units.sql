with

source as (
    select * from {{ ref('ref_reporting_units') }}
),

renamed as (
    select
        unit_fips,
        county_fips,
        unit_name,
        note
    from source
)

select * from renamed
