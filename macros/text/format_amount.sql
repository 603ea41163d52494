{#- An amount as a person would say it: one decimal below 10 (`4.6`), a whole number with thousands separators
    from 10 (`1,204`). For expected counts and detainees a day. -#}
{% macro format_amount(value) -%}
    case
        when {{ value }} < 9.95 then {{ format_decimal(value, 1) }}
        else {{ format_count(value) }}
    end
{%- endmacro %}
