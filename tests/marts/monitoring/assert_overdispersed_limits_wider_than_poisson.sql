-- METHODS.md: funnel limits with τ² are wider than without (τ² >= 0 widens sqrt(s² + τ²)). Checked against the
-- plain square-root limits (1 ± z·s)² at each unit's own expected count, statistics 1 and 2.
with

limits as (
    {%- for mart in ['fct_match_rate', 'fct_crime_adjusted_matches'] %}
        select
            '{{ mart }}' as statistic,
            county_fips,
            reporting_period,
            tau2,
            ratio_lower_998,
            ratio_upper_998,
            {{ funnel_limit('sqrt_ratio', -funnel_z('998'), '(1.0 / (2.0 * sqrt(expected)))') }} as poisson_lower_998,
            {{ funnel_limit('sqrt_ratio', funnel_z('998'), '(1.0 / (2.0 * sqrt(expected)))') }} as poisson_upper_998
        from {{ ref(mart) }}
        where is_eligible
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select *
from limits
where
    ratio_upper_998 < poisson_upper_998 - 1e-12
    or ratio_lower_998 > poisson_lower_998 + 1e-12
    or (tau2 > 0 and ratio_upper_998 <= poisson_upper_998)
