{#- Whether the append-only history database is attached as `history` (profiles.yml, target dev). -#}
{% macro history_is_attached() -%}
    {{ return(adapter.dispatch('history_is_attached', 'sc_monitoring')()) }}
{%- endmacro %}

{% macro duckdb__history_is_attached() -%}
    {%- set attached = run_query("select count(*) from duckdb_databases() where database_name = 'history'") -%}
    {{ return(attached.rows[0][0] > 0) }}
{%- endmacro %}
