with

source as (
    select * from {{ raw_table('raw_census_foreign_born') }}
),

renamed as (
    select
        cast(source.county_fips as {{ dbt.type_string() }}) as source_county_fips,
        cast(source.acs_vintage as {{ dbt.type_string() }}) as acs_vintage,
        {{ try_parse('left(source.acs_vintage, 4)', 'integer') }} as acs_start_year,
        {{ try_parse('right(source.acs_vintage, 4)', 'integer') }} as acs_end_year,
        {{ parse_raw('raw_census_foreign_born', 'total_population') }} as total_population,
        {{ parse_raw('raw_census_foreign_born', 'foreign_born_share') }} as foreign_born_share,
        {{ parse_raw('raw_census_foreign_born', 'foreign_born_share_moe') }} as foreign_born_share_moe,
        {{ parse_raw('raw_census_foreign_born', 'noncitizen_share') }} as noncitizen_share,
        {{ unparsable_values('raw_census_foreign_born') }} as unparsable_values,
        source.source_file,
        source.source_line_number
    from source
)

select * from renamed
