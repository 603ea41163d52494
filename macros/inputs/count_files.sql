{#- How many files match a glob pattern, asked of the engine when dbt executes (0 while parsing). -#}
{% macro count_files(pattern) -%}
    {{ return(adapter.dispatch('count_files', 'sc_monitoring')(pattern)) }}
{%- endmacro %}

{% macro duckdb__count_files(pattern) -%}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {{ return(run_query("select count(*) from glob('" ~ (pattern | replace("'", "''")) ~ "')").rows[0][0]) }}
{%- endmacro %}
