with

source as (
    select * from {{ raw_table('raw_census_foreign_born') }}
),

fips_changes as (
    select * from {{ ref('stg_reference__fips_changes') }}
),

renamed as (
    select
        {{ mapped_county_fips('cast(source.county_fips as ' ~ dbt.type_string() ~ ')') }} as county_fips,
        cast(source.county_fips as {{ dbt.type_string() }}) as source_county_fips,
        cast(source.acs_vintage as {{ dbt.type_string() }}) as acs_vintage,
        cast(left(source.acs_vintage, 4) as integer) as acs_start_year,
        cast(right(source.acs_vintage, 4) as integer) as acs_end_year,
        cast(source.total_population as bigint) as total_population,
        cast(source.foreign_born_share as double) as foreign_born_share,
        cast(source.foreign_born_share_moe as double) as foreign_born_share_moe,
        cast(source.noncitizen_share as double) as noncitizen_share,
        source.source_file,
        source.source_line_number
    from source
    left join fips_changes
        on cast(source.county_fips as {{ dbt.type_string() }}) = fips_changes.source_fips
)

select * from renamed
