{#- The relation a raw table is read from: the embedded seed by default, or `<raw_dir>/<name>.csv` when the
    operator names a directory with var raw_dir (CONTRACT.md "Inputs"). Only staging models call this. -#}
{% macro raw_table(name) -%}
    {%- set raw_dir = var('raw_dir') -%}
    {%- if raw_dir -%}
        read_csv('{{ raw_dir }}/{{ name }}.csv', header = true, auto_detect = true, all_varchar = true)
    {%- else -%}
        {{ ref(name) }}
    {%- endif -%}
{%- endmacro %}
