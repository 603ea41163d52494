{#- Sum of an integer count, typed bigint on every engine (DuckDB widens sum(bigint) to hugeint, which
    contracts, Parquet readers and BI tools handle poorly). -#}
{% macro integer_sum(expression) -%}
    {{ return(adapter.dispatch('integer_sum', 'sc_monitoring')(expression)) }}
{%- endmacro %}

{% macro default__integer_sum(expression) -%}
    sum({{ expression }})
{%- endmacro %}

{% macro duckdb__integer_sum(expression) -%}
    cast(sum({{ expression }}) as bigint)
{%- endmacro %}
