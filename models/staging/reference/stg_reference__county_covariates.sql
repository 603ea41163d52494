with

source as (
    select * from {{ ref('ref_county_covariates') }}
),

renamed as (
    select
        county_fips,
        cast(hispanic_share_2010 as double) as hispanic_share_2010,
        cast(black_share_2010 as double) as black_share_2010,
        cast(white_share_2010 as double) as white_share_2010,
        cast(population_density_2010 as double) as population_density_2010,
        nullif(source_fips, '') as source_fips,
        nullif(note, '') as covariates_note
    from source
)

select * from renamed
