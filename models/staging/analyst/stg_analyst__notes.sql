with

source as (
    select * from {{ ref('ref_analyst_notes') }}
),

renamed as (
    select
        unit_fips,
        note,
        source as note_source,
        cast(noted_on as date) as noted_on
    from source
)

select * from renamed
