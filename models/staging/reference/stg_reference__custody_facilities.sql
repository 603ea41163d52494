with

source as (
    select * from {{ ref('ref_custody_facilities') }}
),

renamed as (
    select
        facility_id,
        facility_name,
        facility_display_name,
        county_fips,
        facility_kind,
        -- The words a custody explanation puts after the name: ICE's agreement type, or the HIFLD kind.
        coalesce(
            ice_type,
            case facility_kind
                when 'state_intake' then 'state prison intake centre'
                when 'state_prison' then 'state prison'
                when 'federal_prison' then 'federal prison'
            end
        ) as facility_type_label,
        cast(capacity as integer) as capacity,
        cast(first_use_date as date) as first_use_date,
        cast(last_use_date as date) as last_use_date,
        state_abbrev,
        city,
        listed_county,
        listed_county_fips,
        placement,
        ice_type,
        ice_type_detailed,
        hifld_type,
        hifld_status,
        source as source_label
    from source
)

select * from renamed
