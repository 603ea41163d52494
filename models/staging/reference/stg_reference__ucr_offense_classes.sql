with

source as (
    select * from {{ ref('ref_ucr_offense_classes') }}
),

renamed as (
    select
        upper(offense_code) as offense_code,
        offense_name,
        ucr_part,
        cast(ice_level_equivalent as integer) as ice_level_equivalent,
        cast(in_arrest_total as boolean) as in_arrest_total
    from source
)

select * from renamed
