{#- The reporting-period label `YYYYQn` of the quarter that contains `date_value`. -#}
{% macro quarter_label(date_value) -%}
    cast(year({{ date_value }}) as varchar) || 'Q' || cast(quarter({{ date_value }}) as varchar)
{%- endmacro %}
