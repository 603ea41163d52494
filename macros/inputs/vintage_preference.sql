{#- Ordering that puts first the data year a period should use (METHODS.md "Inputs"): the latest year not
    after the period's year, else the earliest available. Use as `row_number() over (... order by <this>)`. -#}
{% macro vintage_preference(data_year, period_year) -%}
    case when {{ data_year }} <= {{ period_year }} then 0 else 1 end,
    case when {{ data_year }} <= {{ period_year }} then -{{ data_year }} else {{ data_year }} end
{%- endmacro %}
