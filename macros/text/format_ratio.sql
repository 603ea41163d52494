{#- A ratio observed/expected as a person would say it: two decimals below 10 (`4.66`), one from 10 (`21.0`). -#}
{% macro format_ratio(value) -%}
    case
        when {{ value }} < 9.995 then {{ format_decimal(value, 2) }}
        else {{ format_decimal(value, 1) }}
    end
{%- endmacro %}
