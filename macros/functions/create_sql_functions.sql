{#- on-run-start: on engines that can hold a SQL expression as a function of their own (DuckDB's SQL macros), create
    the long expressions of the statistics once, so that every model calls them instead of repeating them: the
    normal tail (normal_lower_tail_expression, some 2.7 kB a call) and the plain-Poisson significance label
    (poisson_ratio_significance_expression). The result is the same expression, expanded by the engine; the
    compiled SQL is a fraction of the size, which keeps lint and parse times short. Elsewhere the macros write the
    expression inline (their default__ implementations) and this renders to nothing. -#}
{% macro create_sql_functions() -%}
    {{ return(adapter.dispatch('create_sql_functions', 'sc_monitoring')()) }}
{%- endmacro %}

{% macro default__create_sql_functions() -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__create_sql_functions() -%}
    {%- if execute -%}
        {%- do run_query(
            'create or replace macro sc_normal_lower_tail(x) as (' ~ normal_lower_tail_expression('x') ~ ')'
        ) -%}
        {%- do run_query(
            'create or replace macro sc_poisson_ratio_significance(observed, expected) as ('
            ~ poisson_ratio_significance_expression('observed', 'expected') ~ ')'
        ) -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
