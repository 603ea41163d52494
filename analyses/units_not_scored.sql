-- Which units of the selected period could not be scored, by statistic and reason: the data-quality view
-- (missing census or UCR inputs, low UCR coverage, too small to score).
with

statistics as (
    {%- for mart in ['fct_match_rate', 'fct_crime_adjusted_matches', 'fct_minor_offense_share'] %}
        select
            '{{ mart }}' as statistic,
            ineligible_reason,
            county_fips
        from {{ ref(mart) }}
        where is_selected_period and not is_eligible
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select
    statistic,
    ineligible_reason,
    count(*) as n_units,
    min(county_fips) as example_unit
from statistics
group by statistic, ineligible_reason
order by statistic asc, n_units desc
