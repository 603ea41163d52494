{#- The first day of the quarter that contains `date_value` (a date). -#}
{% macro quarter_start(date_value) -%}
    cast(date_trunc('quarter', {{ date_value }}) as date)
{%- endmacro %}
