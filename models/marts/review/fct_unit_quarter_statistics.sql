-- Each single quarter scored on its own (METHODS.md "Step 2", part 1): the three statistics with a window of one
-- quarter, each quarter calibrated nationally on its own (macro scored_statistic on the single-quarter inputs),
-- stacked one row per unit, quarter and statistic, with the unit's submissions per resident in the quarter and
-- whether they changed by more than half against the previous quarter (part 5, data-system changes).
{%- set statistics = monitoring_statistics() %}

with

single_quarter_inputs as (
    select * from {{ ref('int_statistic_inputs') }}
    where window_quarters = 1
),

match_rate as (
    {{ scored_statistic(1, 'single_quarter_inputs') }}
),

crime_adjusted as (
    {{ scored_statistic(2, 'single_quarter_inputs') }}
),

minor_share as (
    {{ scored_statistic(3, 'single_quarter_inputs') }}
),

stacked as (
    {%- for statistic in statistics %}
        select
            county_fips,
            reporting_period as quarter,
            {{ statistic.number }} as statistic,
            '{{ statistic.name }}' as statistic_name,
            observed,
            expected,
            ratio,
            ratio_lower_95,
            ratio_upper_95,
            ratio_lower_998,
            ratio_upper_998,
            z_score,
            p_value,
            is_eligible,
            ineligible_reason,
            uses_synthetic_inputs
        from {{ statistic.prefix }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

booking_intensity as (
    -- Submissions per 1,000 residents a year in the quarter: the intensity of booking, which a prison intake or a
    -- detention site raises; a change of more than half against the previous quarter is worth a question.
    select
        unit_fips,
        reporting_period as quarter,
        submissions,
        exposure_years,
        case
            when exposure_years > 0 then 1000.0 * submissions / population_2010 / exposure_years
        end as submissions_per_1000_residents
    from single_quarter_inputs
),

with_change as (
    select
        *,
        lag(submissions_per_1000_residents) over (partition by unit_fips order by quarter)
            as previous_submissions_per_1000_residents
    from booking_intensity
),

changes as (
    select
        unit_fips,
        quarter,
        submissions,
        exposure_years,
        submissions_per_1000_residents,
        case
            when previous_submissions_per_1000_residents > 0
                then submissions_per_1000_residents / previous_submissions_per_1000_residents - 1.0
        end as submissions_change
    from with_change
),

final as (
    select
        stacked.*,
        coalesce(stacked.is_eligible and stacked.ratio > stacked.ratio_upper_998, false) as is_above_limit,
        changes.submissions,
        changes.exposure_years,
        changes.submissions_per_1000_residents,
        changes.submissions_change,
        coalesce(abs(changes.submissions_change) > 0.5, false) as is_data_system_change
    from stacked
    inner join changes
        on stacked.county_fips = changes.unit_fips and stacked.quarter = changes.quarter
)

select * from final
