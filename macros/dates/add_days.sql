{#- `date_value` moved by `days` days (a date). -#}
{% macro add_days(date_value, days) -%}
    {{ return(adapter.dispatch('add_days', 'sc_monitoring')(date_value, days)) }}
{%- endmacro %}

{% macro default__add_days(date_value, days) -%}
    date_add({{ date_value }}, {{ days }})
{%- endmacro %}

{% macro duckdb__add_days(date_value, days) -%}
    cast({{ date_value }} + to_days({{ days }}) as date)
{%- endmacro %}
