with

county_units as (
    select * from {{ ref('int_county_units') }}
),

final as (
    select
        unit_fips,
        min(unit_name) as unit_name,
        min(state_abbrev) as state_abbrev,
        {{ ordered_list_text('county_fips') }} as member_counties,
        count(*) as n_member_counties,
        {{ integer_sum('population_2010') }} as population_2010,
        min(activation_date) as activation_date
    from county_units
    group by unit_fips
)

select * from final
