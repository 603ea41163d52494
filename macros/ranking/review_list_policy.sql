{#- The review list under the custody-site policy (METHODS.md "Custody sites", var `custody_sites`), per period:
      separate (default): review_rank = rank among the rankable units without a custody explanation;
        is_flagged = review_rank <= review_list_size; explained units ranked above the last flagged unit are
        is_custody_explained_high, listed beside the review list, never on it (none when nothing is flagged);
      annotate: review_rank = anomaly_rank; is_flagged = anomaly_rank <= review_list_size; is_custody_explained_high
        marks the explained units on the list.
    `relation` has `anomaly_rank` and `is_custody_explained` (not null) per unit and period. Returns its rows with
    `review_rank`, `is_flagged` and `is_custody_explained_high`. -#}
{% macro review_list_policy(relation, partition_by='reporting_period', custody_sites=none, review_list_size=none) -%}
    {%- set policy = custody_sites or var('custody_sites') -%}
    {%- set list_size = review_list_size or var('review_list_size') -%}
    {%- if policy not in ['separate', 'annotate'] -%}
        {{ exceptions.raise_compiler_error("custody_sites must be 'separate' or 'annotate', got '" ~ policy ~ "'") }}
    {%- endif -%}
    with reviewable as (
        select
            *,
            {%- if policy == 'separate' %}
                case
                    when anomaly_rank is not null and not is_custody_explained
                        then row_number() over (
                            partition by {{ partition_by }}, anomaly_rank is not null and not is_custody_explained
                            order by anomaly_rank
                        )
                end as review_rank
            {%- else %}
                anomaly_rank as review_rank
            {%- endif %}
        from {{ relation }}
    ),

    flagged as (
        select
            *,
            coalesce(review_rank <= {{ list_size }}, false) as is_flagged
        from reviewable
    ),

    cut_off as (
        select
            *,
            max(case when is_flagged then anomaly_rank end) over (partition by {{ partition_by }})
                as last_flagged_anomaly_rank
        from flagged
    )

    select
        *,
        {%- if policy == 'separate' %}
            coalesce(is_custody_explained and anomaly_rank < last_flagged_anomaly_rank, false)
                as is_custody_explained_high
        {%- else %}
            is_custody_explained and is_flagged as is_custody_explained_high
        {%- endif %}
    from cut_off
{%- endmacro %}
