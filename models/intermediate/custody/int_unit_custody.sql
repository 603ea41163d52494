-- Custody sites per reporting unit and period (METHODS.md "Custody sites"): ICE detainees a day in the federal
-- fiscal year of the period's last day, state prison intake centres and state prison capacity, and the
-- explanation in words that sets a unit apart from the review list.
{%- set fiscal_years_covered = (2009, 2018) %}

with

facilities as (
    select * from {{ ref('stg_reference__custody_facilities') }}
),

detention_adp as (
    select * from {{ ref('stg_reference__ice_detention_adp') }}
),

county_units as (
    select * from {{ ref('int_county_units') }}
),

units as (
    select * from {{ ref('int_reporting_units') }}
),

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

period_fiscal_years as (
    -- Federal fiscal year n runs from 1 October of n − 1 to 30 September of n.
    select
        reporting_period,
        cast(
            year(quarter_end_date) + case when month(quarter_end_date) >= 10 then 1 else 0 end as integer
        ) as fiscal_year
    from periods
),

unit_facilities as (
    select
        county_units.unit_fips,
        facilities.facility_id,
        facilities.facility_display_name as facility_name,
        facilities.facility_kind,
        facilities.facility_type_label,
        facilities.capacity
    from facilities
    inner join county_units
        on facilities.county_fips = county_units.county_fips
),

detention_by_period as (
    select
        unit_facilities.unit_fips,
        period_fiscal_years.reporting_period,
        unit_facilities.facility_name,
        unit_facilities.facility_type_label,
        detention_adp.average_daily_population
    from unit_facilities
    inner join detention_adp
        on unit_facilities.facility_id = detention_adp.facility_id
    inner join period_fiscal_years
        on detention_adp.fiscal_year = period_fiscal_years.fiscal_year
    where
        unit_facilities.facility_kind = 'ice_detention'
        and detention_adp.average_daily_population > 0
),

unit_detention as (
    {%- set facility_text -%}
        concat(facility_name, ' (', facility_type_label, ', ', {{ format_amount('average_daily_population') }}, ' a day)')
    {%- endset %}
    select
        unit_fips,
        reporting_period,
        count(*) as n_ice_detention_facilities,
        sum(average_daily_population) as ice_detainee_adp,
        min(facility_name) as only_facility_name,
        min(facility_type_label) as only_facility_type_label,
        {{ ordered_list_text(facility_text, '; ', 'average_daily_population desc') }} as ice_detention_facilities
    from detention_by_period
    group by unit_fips, reporting_period
),

unit_state_prisons as (
    select
        unit_fips,
        count(case when facility_kind = 'state_intake' then 1 end) as n_state_intake_centres,
        {{ ordered_list_text("case when facility_kind = 'state_intake' then facility_name end", ' and ') }}
            as state_intake_centres,
        count(case when facility_kind = 'state_prison' then 1 end) as n_state_prisons,
        -- Known capacity only; null when the unit has state prisons but none with a known capacity.
        sum(case when facility_kind = 'state_prison' then capacity end) as state_prison_capacity
    from unit_facilities
    group by unit_fips
),

joined as (
    select
        units.unit_fips,
        period_fiscal_years.reporting_period,
        period_fiscal_years.fiscal_year,
        units.population_2010,
        unit_detention.n_ice_detention_facilities,
        unit_detention.ice_detention_facilities,
        unit_detention.only_facility_name,
        unit_detention.only_facility_type_label,
        case
            when period_fiscal_years.fiscal_year between {{ fiscal_years_covered[0] }} and {{ fiscal_years_covered[1] }}
                then coalesce(unit_detention.ice_detainee_adp, 0.0)
        end as ice_detainee_adp,
        coalesce(unit_state_prisons.n_state_intake_centres, 0) as n_state_intake_centres,
        coalesce(unit_state_prisons.n_state_intake_centres, 0) > 0 as has_state_intake_centre,
        unit_state_prisons.state_intake_centres,
        case
            when coalesce(unit_state_prisons.n_state_prisons, 0) = 0 then 0
            else unit_state_prisons.state_prison_capacity
        end as state_prison_capacity
    from units
    cross join period_fiscal_years
    left join unit_detention
        on
            units.unit_fips = unit_detention.unit_fips
            and period_fiscal_years.reporting_period = unit_detention.reporting_period
    left join unit_state_prisons
        on units.unit_fips = unit_state_prisons.unit_fips
),

rated as (
    select
        *,
        10000.0 * ice_detainee_adp / population_2010 as ice_detainee_adp_per_10k,
        10000.0 * state_prison_capacity / population_2010 as state_prison_capacity_per_10k
    from joined
),

explained as (
    select
        *,
        coalesce(ice_detainee_adp_per_10k >= {{ var('custody_adp_per_10k') }}, false) as has_ice_detention_site,
        concat(
            {{ format_amount('ice_detainee_adp') }},
            ' a day in FY',
            cast(fiscal_year as {{ dbt.type_string() }}),
            ', ',
            {{ format_decimal('ice_detainee_adp_per_10k', 1) }},
            ' per 10,000 residents'
        ) as detention_figures
    from rated
),

final as (
    select
        unit_fips,
        reporting_period,
        fiscal_year,
        ice_detainee_adp,
        ice_detainee_adp_per_10k,
        coalesce(n_ice_detention_facilities, 0) as n_ice_detention_facilities,
        ice_detention_facilities,
        has_state_intake_centre,
        n_state_intake_centres,
        state_intake_centres,
        state_prison_capacity,
        state_prison_capacity_per_10k,
        has_ice_detention_site or has_state_intake_centre as is_custody_explained,
        nullif(concat_ws(
            '; ',
            case
                when has_ice_detention_site and n_ice_detention_facilities = 1
                    then concat(
                        only_facility_name, ' holds ICE detainees (', only_facility_type_label, '): ', detention_figures
                    )
                when has_ice_detention_site
                    then concat(
                        'ICE detainees are held at ', ice_detention_facilities, ': together ', detention_figures
                    )
            end,
            case
                when has_state_intake_centre
                    then concat(
                        state_intake_centres,
                        case
                            when n_state_intake_centres > 1 then ' are state prison intake (reception) centres'
                            else ' is a state prison intake (reception) centre'
                        end
                    )
            end
        ), '') as custody_explanation
    from explained
)

select * from final
