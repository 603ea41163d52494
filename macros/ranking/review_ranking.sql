{#- The whole ranking of METHODS.md from three scored statistics, per unit and period: the statistics side by side
    (`<prefix>_<column>`), the match family's correlation r_12 over the units eligible for both statistics 1 and 2
    (0 when fewer than 3), the two families and their combination (family_combination), the rank (anomaly_rank),
    the custody explanation, and the review list under the custody policy (review_list_policy).
    `statistics` maps each prefix of monitoring_statistics() to a relation with score_statistic's columns (for the
    published ranking the statistic marts; for a sensitivity alternative the same statistics scored another way);
    `custody` has `unit_fips`, `reporting_period` and `is_custody_explained`. The policy defaults to the var. -#}
{% macro review_ranking(statistics, custody, custody_sites=none) -%}
    {%- set columns = [
        'observed', 'expected', 'ratio', 'z_score', 'p_value', 'q_value', 'is_eligible', 'is_ranked',
        'uses_synthetic_inputs', 'ineligible_reason'
    ] -%}
    {%- set first = monitoring_statistics()[0].prefix -%}
    with side_by_side as (
        select
            {{ first }}.county_fips,
            {{ first }}.reporting_period,
            {%- for statistic in monitoring_statistics() %}
                {%- for column in columns %}
                    {{ statistic.prefix }}.{{ column }} as {{ statistic.prefix }}_{{ column }}{% if not loop.last %},{% endif %}
                {%- endfor %}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ statistics[first] }} as {{ first }}
        {%- for statistic in monitoring_statistics()[1:] %}
            inner join {{ statistics[statistic.prefix] }} as {{ statistic.prefix }}
                on
                    {{ first }}.county_fips = {{ statistic.prefix }}.county_fips
                    and {{ first }}.reporting_period = {{ statistic.prefix }}.reporting_period
        {%- endfor %}
    ),

    correlations as (
        select
            reporting_period,
            case
                when count(case when match_rate_is_eligible and crime_adjusted_is_eligible then 1 end) >= 3
                    then coalesce(corr(match_rate_z_score, crime_adjusted_z_score), 0.0)
                else 0.0
            end as r_match_family
        from side_by_side
        group by reporting_period
    ),

    with_correlations as (
        select
            side_by_side.*,
            correlations.r_match_family
        from side_by_side
        inner join correlations
            on side_by_side.reporting_period = correlations.reporting_period
    ),

    combined as (
        {{ family_combination('with_correlations') }}
    ),

    ranked as (
        select
            *,
            {{ anomaly_rank() }} as anomaly_rank
        from combined
    ),

    with_custody as (
        select
            ranked.*,
            coalesce(custody.is_custody_explained, false) as is_custody_explained
        from ranked
        left join {{ custody }} as custody
            on ranked.county_fips = custody.unit_fips and ranked.reporting_period = custody.reporting_period
    )

    select * from (
        {{ review_list_policy('with_custody', custody_sites=custody_sites) }}
    ) as listed
{%- endmacro %}
