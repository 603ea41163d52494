{#- The relation a raw table is read from (only staging models call this): the embedded seed by default, or the
    operator's file in var raw_dir, read by DuckDB directly (CONTRACT.md "Inputs"). From a file, the contract's
    columns are selected by name: an absent optional column is null, an absent required one stops the run with a
    message naming the table, the file's directory and the column. -#}
{% macro raw_table(name) -%}
    {%- set raw_dir = var('raw_dir') -%}
    {%- if not raw_dir -%}
        {{ return(ref(name)) }}
    {%- endif -%}
    {%- set reader = raw_file_reader(name, raw_dir) -%}
    {%- set contract = raw_table_columns(name) -%}
    {%- if execute -%}
        {%- set present = run_query('select * from ' ~ reader ~ ' limit 0').column_names | map('lower') | list -%}
        {%- set missing = [] -%}
        {%- for column, required in contract if required and column not in present -%}
            {%- do missing.append(column) -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "raw table " ~ name ~ " in raw_dir '" ~ raw_dir ~ "': required column(s) missing: "
                ~ (missing | join(', ')) ~ " (columns found: " ~ (present | join(', ')) ~ ")"
            ) }}
        {%- endif -%}
    {%- else -%}
        {%- set present = contract | map(attribute=0) | list -%}
    {%- endif -%}
    (
        select
            {%- for column, required in contract %}
                {% if column in present %}{{ adapter.quote(column) }}{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as {{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ reader }}
    )
{%- endmacro %}
