-- Why is this unit flagged? Every statistic of one unit in the selected period: what was observed, what was
-- expected from the national relationship, the funnel limits at its size, z, q and why a statistic was not scored.
-- `dbt compile --select why_is_this_unit_flagged --vars '{unit_fips: "48471"}'`, then run the compiled SQL.
{%- set unit_fips = var('unit_fips', '36003') %}

with

statistics as (
    {%- for mart, label in [
        ('fct_match_rate', '1 match rate vs foreign-born share'),
        ('fct_crime_adjusted_matches', '2 matches vs UCR arrests x foreign-born share'),
        ('fct_minor_offense_share', '3 less-serious share of matches vs UCR'),
    ] %}
        select
            '{{ label }}' as statistic,
            observed,
            expected,
            ratio,
            ratio_shrunk,
            ratio_lower_998,
            ratio_upper_998,
            z_score,
            q_value,
            poisson_significance,
            ineligible_reason
        from {{ ref(mart) }}
        where county_fips = '{{ unit_fips }}' and is_selected_period
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select *
from statistics
order by statistic
