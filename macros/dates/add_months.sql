{#- `date_value` moved by `months` calendar months (a date). -#}
{% macro add_months(date_value, months) -%}
    {{ return(adapter.dispatch('add_months', 'sc_monitoring')(date_value, months)) }}
{%- endmacro %}

{% macro default__add_months(date_value, months) -%}
    add_months({{ date_value }}, {{ months }})
{%- endmacro %}

{% macro duckdb__add_months(date_value, months) -%}
    cast({{ date_value }} + to_months({{ months }}) as date)
{%- endmacro %}
