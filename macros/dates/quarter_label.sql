{#- The reporting-period label `YYYYQn` of the quarter that contains `date_value`. -#}
{% macro quarter_label(date_value) -%}
    concat(
        cast(year({{ date_value }}) as {{ dbt.type_string() }}),
        'Q',
        cast(quarter({{ date_value }}) as {{ dbt.type_string() }})
    )
{%- endmacro %}
