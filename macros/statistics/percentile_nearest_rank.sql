{#- The p-th quantile as one of the values (the nearest-rank, discrete quantile), as an aggregate: a rank interval
    is reported in ranks. DuckDB calls it quantile_disc; Spark and Postgres percentile_disc ... within group. -#}
{% macro percentile_nearest_rank(column, fraction) -%}
    {{ return(adapter.dispatch('percentile_nearest_rank', 'sc_monitoring')(column, fraction)) }}
{%- endmacro %}

{% macro default__percentile_nearest_rank(column, fraction) -%}
    percentile_disc({{ fraction }}) within group (order by {{ column }})
{%- endmacro %}

{% macro duckdb__percentile_nearest_rank(column, fraction) -%}
    quantile_disc({{ column }}, {{ fraction }})
{%- endmacro %}
