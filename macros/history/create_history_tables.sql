{#- on-run-start: make sure the history record exists in the attached `history` database (profiles.yml), so that
    models can read it on the first run. Creates, never replaces. Renders to nothing when no history database is
    attached (the `lint` target). -#}
{% macro create_history_tables() -%}
    {%- if execute and history_is_attached() -%}
        {%- set ddl -%}
            create schema if not exists history.review_lists;
            create table if not exists history.review_lists.published_scores (
                {%- for column, data_type in history_columns() %}
                    {{ column }} {{ data_type }}{% if not loop.last %},{% endif %}
                {%- endfor %}
            );
            {#- A record written by an earlier release lacks the newer columns: add them (null for old versions). #}
            {%- for column, data_type in history_columns() %}
                alter table history.review_lists.published_scores add column if not exists {{ column }} {{ data_type }};
            {%- endfor %}
        {%- endset -%}
        {%- do run_query(ddl) -%}
    {%- endif -%}
{%- endmacro %}
