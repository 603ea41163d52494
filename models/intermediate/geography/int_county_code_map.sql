with

counties as (
    select * from {{ ref('stg_reference__counties') }}
),

fips_changes as (
    select * from {{ ref('stg_reference__fips_changes') }}
),

own_codes as (
    -- A county of the 2010 list may be given under its own code.
    select
        county_fips as source_county_fips,
        county_fips,
        false as is_changed_code,
        cast(null as {{ dbt.type_string() }}) as change_note
    from counties
),

changed_codes as (
    -- A code a source may use that is not on the 2010 list (renamed, merged), with the county it maps to.
    select
        source_fips as source_county_fips,
        county_fips,
        true as is_changed_code,
        note as change_note
    from fips_changes
),

final as (
    select * from own_codes
    union all
    select * from changed_codes
)

select * from final
