with

source as (
    select * from {{ raw_table('raw_sc_identifications') }}
),

renamed as (
    select
        cast(source.county_fips as {{ dbt.type_string() }}) as source_county_fips,
        {{ parse_raw('raw_sc_identifications', 'period_start') }} as period_start_date,
        {{ parse_raw('raw_sc_identifications', 'period_end') }} as period_end_date,
        {{ parse_raw('raw_sc_identifications', 'submissions') }} as submissions,
        {{ parse_raw('raw_sc_identifications', 'matches_total') }} as matches_total,
        {{ parse_raw('raw_sc_identifications', 'matches_level1') }} as matches_level1,
        {{ parse_raw('raw_sc_identifications', 'matches_level2') }} as matches_level2,
        {{ parse_raw('raw_sc_identifications', 'matches_level3') }} as matches_level3,
        {{ parse_raw('raw_sc_identifications', 'matches_level2_3') }} as matches_level2_3,
        source.level_basis,
        source.source as source_label,
        {{ unparsable_values('raw_sc_identifications') }} as unparsable_values,
        source.source_file,
        source.source_line_number
    from source
)

select * from renamed
