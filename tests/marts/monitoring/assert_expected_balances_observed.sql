-- METHODS.md: calibration makes Σexpected = Σobserved over the valid units, per statistic and period. For
-- statistic 3 this holds while no unit's expected share hits the 0.999 cap; periods where one does are skipped.
with

statistics as (
    {%- for mart in ['fct_match_rate', 'fct_crime_adjusted_matches', 'fct_minor_offense_share'] %}
        select
            '{{ mart }}' as statistic,
            reporting_period,
            sum(observed) as total_observed,
            sum(expected) as total_expected,
            {%- if mart == 'fct_minor_offense_share' %}
                coalesce(max(expected_share) >= 0.999, false) as hits_cap
            {%- else %}
                false as hits_cap
            {%- endif %}
        from {{ ref(mart) }}
        where expected is not null
        group by reporting_period
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select *
from statistics
where not hits_cap and abs(total_expected - total_observed) > 1e-6 * greatest(total_observed, 1)
