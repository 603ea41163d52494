-- How firm each unit's rank is under sampling noise alone (METHODS.md "Step 2", part 6), for the selected period:
-- var rank_replicates replicates of the whole ranking, seeded by var rank_seed (macros rank_replicates and
-- rank_intervals). Empty when rank_replicates is 0.
{%- set n_replicates = var('rank_replicates') | int %}

with

ranking as (
    select * from {{ ref('rpt_anomaly_ranking') }}
),

{% for statistic in monitoring_statistics() -%}
{{ statistic.prefix }} as (
    select * from {{ ref(statistic.mart) }}
),

{% endfor -%}

rankable_units as (
    select
        ranking.county_fips,
        ranking.reporting_period,
        ranking.r_match_family,
        ranking.is_custody_explained,
        {%- for statistic in monitoring_statistics() %}
            {%- set p = statistic.prefix %}
            ranking.{{ p }}_z_score,
            ranking.{{ p }}_is_ranked,
            {{ p }}.sampling_standard_error / {{ p }}.score_standard_error as {{ p }}_noise_scale{% if not loop.last %},{% endif %}
        {%- endfor %}
    from ranking
    {%- for statistic in monitoring_statistics() %}
        inner join {{ statistic.prefix }}
            on
                ranking.county_fips = {{ statistic.prefix }}.county_fips
                and ranking.reporting_period = {{ statistic.prefix }}.reporting_period
    {%- endfor %}
    where ranking.is_selected_period and ranking.anomaly_rank is not null
),

{% if n_replicates > 0 -%}
replicates as (
    {{ rank_replicates('rankable_units', n_replicates, var('rank_seed')) }}
),

intervals as (
    {{ rank_intervals('replicates') }}
),
{%- else -%}
intervals as (
    select
        county_fips,
        reporting_period,
        cast(0 as bigint) as n_replicates,
        cast(null as double) as rank_median,
        cast(null as bigint) as rank_lower_90,
        cast(null as bigint) as rank_upper_90,
        cast(null as double) as share_of_replicates_on_list
    from rankable_units
    where false
),
{%- endif %}

final as (
    select
        county_fips,
        reporting_period,
        n_replicates,
        {{ var('rank_seed') }} as rank_seed,
        rank_median,
        rank_lower_90,
        rank_upper_90,
        share_of_replicates_on_list
    from intervals
)

select * from final
