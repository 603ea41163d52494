with

source as (
    select * from {{ raw_table('raw_ucr_arrests') }}
),

fips_changes as (
    select * from {{ ref('stg_reference__fips_changes') }}
),

renamed as (
    select
        {{ mapped_county_fips('source.county_fips') }} as county_fips,
        source.county_fips as source_county_fips,
        cast(source.data_year as integer) as data_year,
        upper(trim(source.offense_code)) as offense_code,
        cast(source.arrests as bigint) as arrests,
        cast(source.coverage_indicator as double) as coverage_indicator,
        coalesce(cast(source.is_synthetic as boolean), false) as is_synthetic
    from source
    left join fips_changes
        on source.county_fips = fips_changes.source_fips
)

select * from renamed
