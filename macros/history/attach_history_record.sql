{#- on-run-start: attach the operator's record of published and sent review lists (SCM_HISTORY_PATH, default
    history/sc_history.duckdb) read-only as `history`, when the file exists, so that the review list can say what
    was published and sent before. dbt never writes the record: scm/record.py does, after a release is published.
    Renders to nothing. -#}
{% macro attach_history_record() -%}
    {%- set path = env_var('SCM_HISTORY_PATH', env_var('DBT_PROJECT_DIR', '.') ~ '/history/sc_history.duckdb') -%}
    {%- if execute and not history_is_attached() and count_files(path) > 0 -%}
        {%- do adapter.dispatch('attach_history_record', 'sc_monitoring')(path) -%}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__attach_history_record(path) -%}
    {%- do run_query("attach if not exists '" ~ (path | replace("'", "''")) ~ "' as history (read_only)") -%}
{%- endmacro %}
