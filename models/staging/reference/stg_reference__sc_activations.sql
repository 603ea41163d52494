with

source as (
    select * from {{ ref('ref_sc_activations') }}
),

renamed as (
    select
        county_fips,
        cast(activation_date as date) as activation_date,
        date_precision as activation_date_precision,
        source as source_label
    from source
)

select * from renamed
