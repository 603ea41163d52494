with

source as (
    select * from {{ raw_table('raw_ucr_arrests') }}
),

fips_changes as (
    select * from {{ ref('stg_reference__fips_changes') }}
),

renamed as (
    select
        {{ mapped_county_fips('cast(source.county_fips as ' ~ dbt.type_string() ~ ')') }} as county_fips,
        cast(source.county_fips as {{ dbt.type_string() }}) as source_county_fips,
        cast(source.data_year as integer) as data_year,
        upper(trim(source.offense_code)) as offense_code,
        cast(source.arrests as bigint) as arrests,
        cast(source.coverage_indicator as double) as coverage_indicator,
        coalesce(cast(source.is_synthetic as boolean), false) as is_synthetic,
        source.source_file,
        source.source_line_number
    from source
    left join fips_changes
        on cast(source.county_fips as {{ dbt.type_string() }}) = fips_changes.source_fips
)

select * from renamed
