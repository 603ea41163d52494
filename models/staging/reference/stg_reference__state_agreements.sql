with

source as (
    select * from {{ ref('ref_state_agreements') }}
),

renamed as (
    select
        state_abbrev,
        cast(ice_signature_date as date) as ice_signature_date,
        cast(state_signature_date as date) as state_signature_date,
        source as source_label
    from source
)

select * from renamed
