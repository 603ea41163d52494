{#- The unit-period context every statistic mart publishes first, from int_statistic_inputs (`inputs`): the unit's
    members, the period, its window and the span of days the counted rows actually cover (a cumulative table
    covers far more than the window). The mart's own inputs follow, then statistic_score_columns. -#}
{% macro statistic_context_columns(inputs) -%}
    {{ inputs }}.member_counties,
    {{ inputs }}.reporting_period,
    {{ inputs }}.is_selected_period,
    {{ inputs }}.window_start_date,
    {{ inputs }}.window_end_date,
    {{ inputs }}.counts_start_date,
    {{ inputs }}.counts_end_date
{%- endmacro %}
