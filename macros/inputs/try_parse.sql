{#- `expression` as `data_type`, or null when it does not parse (no error: the caller reports it). -#}
{% macro try_parse(expression, data_type) -%}
    {{ return(adapter.dispatch('try_parse', 'sc_monitoring')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_parse(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
