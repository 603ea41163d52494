{#- A unit's rank across the replicates of rank_replicates (`replicates`), per unit and period: the median rank,
    the 90 % rank interval (the 5th and 95th percentiles, as ranks) and the share of replicates in which the unit is
    on the review list (Marshall & Spiegelhalter 1998). -#}
{% macro rank_intervals(replicates) -%}
    select
        county_fips,
        reporting_period,
        count(*) as n_replicates,
        {{ percentile_linear('anomaly_rank', 0.5) }} as rank_median,
        {{ percentile_nearest_rank('anomaly_rank', 0.05) }} as rank_lower_90,
        {{ percentile_nearest_rank('anomaly_rank', 0.95) }} as rank_upper_90,
        avg(case when is_flagged then 1.0 else 0.0 end) as share_of_replicates_on_list
    from {{ replicates }}
    group by county_fips, reporting_period
{%- endmacro %}
