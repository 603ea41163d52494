{#- A count as text, rounded to a whole number, with thousands separators (`12,345`), for the sentences of
    flag_reasons and custody_explanation. -#}
{% macro format_count(value) -%}
    {{ return(adapter.dispatch('format_count', 'sc_monitoring')(value)) }}
{%- endmacro %}

{% macro default__format_count(value) -%}
    format_number(round({{ value }}, 0), 0)
{%- endmacro %}

{% macro duckdb__format_count(value) -%}
    format('{:,}', cast(round({{ value }}) as bigint))
{%- endmacro %}
