with

source as (
    select * from {{ raw_table('raw_ucr_data_quality') }}
),

renamed as (
    select
        cast(source.county_fips as {{ dbt.type_string() }}) as source_county_fips,
        {{ parse_raw('raw_ucr_data_quality', 'data_year') }} as data_year,
        cast(source.rule as {{ dbt.type_string() }}) as subtotal_rule,
        cast(source.source_fips as {{ dbt.type_string() }}) as source_fips,
        upper(trim(source.total_code)) as total_code,
        {{ parse_raw('raw_ucr_data_quality', 'total_value') }} as total_value,
        {{ parse_raw('raw_ucr_data_quality', 'parts_sum') }} as parts_sum,
        {{ parse_raw('raw_ucr_data_quality', 'gap') }} as gap,
        cast(source.outcome as {{ dbt.type_string() }}) as loader_outcome,
        cast(source.action as {{ dbt.type_string() }}) as loader_action,
        {{ unparsable_values('raw_ucr_data_quality') }} as unparsable_values,
        source.source_file,
        source.source_line_number
    from source
)

select * from renamed
