with

data_quality as (
    select * from {{ ref('stg_ucr__data_quality') }}
),

county_code_map as (
    select * from {{ ref('int_county_code_map') }}
),

county_periods as (
    select * from {{ ref('int_ucr_county_periods') }}
),

county_units as (
    select * from {{ ref('int_county_units') }}
),

unit_sizes as (
    select
        unit_fips,
        count(*) as n_member_counties
    from county_units
    group by unit_fips
),

warnings as (
    -- Each warning on the 2010 county its code stands for (int_county_code_map), in every period that takes its
    -- data year for that county (int_ucr_county_periods, the choice the UCR inputs use). Where the unit has
    -- several counties the warning names its county; where the file's row had another code (a retired or divided
    -- area), that code.
    select
        county_periods.unit_fips,
        county_periods.reporting_period,
        county_code_map.county_fips,
        data_quality.data_year,
        data_quality.subtotal_rule,
        data_quality.source_fips,
        data_quality.total_code,
        data_quality.total_value,
        data_quality.parts_sum,
        data_quality.gap,
        data_quality.loader_outcome,
        nullif(
            concat_ws(
                ', ',
                case when unit_sizes.n_member_counties > 1 then county_units.county_name end,
                case
                    when data_quality.source_fips != county_code_map.county_fips
                        then concat('the file''s row for code ', data_quality.source_fips)
                end
            ),
            ''
        ) as warning_place
    from data_quality
    inner join county_code_map
        on data_quality.source_county_fips = county_code_map.source_county_fips
    inner join county_periods
        on
            county_code_map.county_fips = county_periods.county_fips
            and data_quality.data_year = county_periods.data_year
    inner join county_units
        on county_code_map.county_fips = county_units.county_fips
    inner join unit_sizes
        on county_units.unit_fips = unit_sizes.unit_fips
),

described as (
    -- The largest gap first within a county.
    select
        unit_fips,
        reporting_period,
        {{ ucr_data_quality_text('warning_place') }} as warning_text,
        row_number() over (
            partition by unit_fips, reporting_period
            order by county_fips asc, abs(gap) desc, total_code asc, source_fips asc
        ) as warning_number
    from warnings
),

final as (
    select
        unit_fips,
        reporting_period,
        count(*) as n_ucr_data_quality_warnings,
        {{ ordered_list_text('warning_text', '; ', 'warning_number') }} as ucr_data_quality_warnings
    from described
    group by unit_fips, reporting_period
)

select * from final
