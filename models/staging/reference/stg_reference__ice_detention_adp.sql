with

source as (
    select * from {{ ref('ref_ice_detention_adp') }}
),

renamed as (
    select
        facility_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(average_daily_population as double) as average_daily_population
    from source
)

select * from renamed
