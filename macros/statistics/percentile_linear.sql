{#- The p-th quantile with linear interpolation between order statistics (R type 7), as an aggregate.
    DuckDB calls it quantile_cont; Spark and Postgres percentile_cont ... within group. -#}
{% macro percentile_linear(column, fraction) -%}
    {{ return(adapter.dispatch('percentile_linear', 'sc_monitoring')(column, fraction)) }}
{%- endmacro %}

{% macro default__percentile_linear(column, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ column }})
{%- endmacro %}

{% macro duckdb__percentile_linear(column, fraction) -%}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}
