-- The demographic context of each reporting unit (METHODS.md "Step 2", part 4): the 2010 Hispanic, Black and White
-- shares of its members weighted by their 2010 populations, its density as residents over land (the members'
-- populations over their areas, population / density), and its state's Secure Communities agreement dates.
with

covariates as (
    select * from {{ ref('stg_reference__county_covariates') }}
),

agreements as (
    select * from {{ ref('stg_reference__state_agreements') }}
),

county_units as (
    select * from {{ ref('int_county_units') }}
),

members as (
    select
        county_units.unit_fips,
        county_units.state_abbrev,
        county_units.population_2010,
        covariates.hispanic_share_2010,
        covariates.black_share_2010,
        covariates.white_share_2010,
        county_units.population_2010 / nullif(covariates.population_density_2010, 0) as land_square_miles
    from county_units
    left join covariates
        on county_units.county_fips = covariates.county_fips
),

units as (
    -- A unit's figure only when every member has one.
    select
        unit_fips,
        min(state_abbrev) as state_abbrev,
        case
            when count(hispanic_share_2010) = count(*)
                then sum(population_2010 * hispanic_share_2010) / sum(population_2010)
        end as hispanic_share_2010,
        case
            when count(black_share_2010) = count(*)
                then sum(population_2010 * black_share_2010) / sum(population_2010)
        end as black_share_2010,
        case
            when count(white_share_2010) = count(*)
                then sum(population_2010 * white_share_2010) / sum(population_2010)
        end as white_share_2010,
        case
            when count(land_square_miles) = count(*) then sum(population_2010) / sum(land_square_miles)
        end as population_density_2010
    from members
    group by unit_fips
),

final as (
    select
        units.unit_fips,
        units.hispanic_share_2010,
        units.black_share_2010,
        units.white_share_2010,
        units.population_density_2010,
        agreements.ice_signature_date as state_agreement_ice_signature_date,
        agreements.state_signature_date as state_agreement_state_signature_date
    from units
    left join agreements
        on units.state_abbrev = agreements.state_abbrev
)

select * from final
