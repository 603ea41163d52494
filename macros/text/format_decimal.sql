{#- A number as text with a fixed number of decimals, for the sentences of flag_reasons. -#}
{% macro format_decimal(value, decimals) -%}
    {{ return(adapter.dispatch('format_decimal', 'sc_monitoring')(value, decimals)) }}
{%- endmacro %}

{% macro default__format_decimal(value, decimals) -%}
    format_string('%.{{ decimals }}f', {{ value }})
{%- endmacro %}

{% macro duckdb__format_decimal(value, decimals) -%}
    printf('%.{{ decimals }}f', {{ value }})
{%- endmacro %}
