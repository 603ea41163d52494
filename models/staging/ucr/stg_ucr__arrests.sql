with

source as (
    select * from {{ raw_table('raw_ucr_arrests') }}
),

renamed as (
    select
        cast(source.county_fips as {{ dbt.type_string() }}) as source_county_fips,
        {{ parse_raw('raw_ucr_arrests', 'data_year') }} as data_year,
        upper(trim(source.offense_code)) as offense_code,
        {{ parse_raw('raw_ucr_arrests', 'arrests') }} as arrests,
        {{ parse_raw('raw_ucr_arrests', 'coverage_indicator') }} as coverage_indicator,
        coalesce({{ parse_raw('raw_ucr_arrests', 'is_synthetic') }}, false) as is_synthetic,
        {{ unparsable_values('raw_ucr_arrests') }} as unparsable_values,
        source.source_file,
        source.source_line_number
    from source
)

select * from renamed
