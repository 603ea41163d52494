with

source as (
    select * from {{ raw_table('raw_sc_identifications') }}
),

fips_changes as (
    select * from {{ ref('stg_reference__fips_changes') }}
),

renamed as (
    select
        {{ mapped_county_fips('cast(source.county_fips as ' ~ dbt.type_string() ~ ')') }} as county_fips,
        cast(source.county_fips as {{ dbt.type_string() }}) as source_county_fips,
        cast(source.period_start as date) as period_start_date,
        cast(source.period_end as date) as period_end_date,
        cast(source.submissions as bigint) as submissions,
        cast(source.matches_total as bigint) as matches_total,
        cast(source.matches_level1 as bigint) as matches_level1,
        cast(source.matches_level2 as bigint) as matches_level2,
        cast(source.matches_level3 as bigint) as matches_level3,
        cast(source.matches_level2_3 as bigint) as matches_level2_3,
        source.level_basis,
        source.source as source_label,
        source.source_file,
        source.source_line_number
    from source
    left join fips_changes
        on cast(source.county_fips as {{ dbt.type_string() }}) = fips_changes.source_fips
)

select * from renamed
