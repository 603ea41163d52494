{#- The relation a raw table is read from (only staging models call this): the embedded seed by default, or the
    operator's file in var raw_dir, read by DuckDB directly (CONTRACT.md "Inputs"). The contract's columns are
    selected by name: an absent optional column is null, an absent required one stops the run with a message
    naming the table, the file's directory and the column. A table the definition marks `optional` (a companion
    table such as raw_ucr_data_quality) that the raw_dir does not hold is read as no rows, with the same columns.
    Every row also says where it came from (`source_file`, `source_line_number`: the line in a CSV file counting
    the header as line 1, or the row in a Parquet file), so that a broken rule can point at the line to fix. The
    columns and their types come from the contract's one definition, the `raw` source (macro raw_contract); the
    source is named here so that the lineage shows it as the staging model's input, whichever way the table
    comes. -#}
{% macro raw_table(name) -%}
    {%- set raw_dir = var('raw_dir') -%}
    {%- do source('raw', name) -%}
    {%- set contract = raw_table_columns(name) -%}
    {%- set is_absent = false -%}
    {%- if not raw_dir -%}
        {%- set reader = ref(name) -%}
        {%- set source_file = "'seeds/raw/" ~ name ~ ".csv'" -%}
        {%- set first_line = 2 -%}
        {%- set present = contract | map(attribute=0) | list -%}
    {%- else -%}
        {%- set reader = raw_file_reader(name, raw_dir, raw_contract(name).optional) -%}
        {%- set is_absent = reader == '' -%}
        {%- set source_file = "'" ~ (reader.split("'")[1] | replace("'", "''")) ~ "'" if not is_absent else '' -%}
        {%- set first_line = 2 if reader.startswith('read_csv') else 1 -%}
        {%- if is_absent -%}
            {%- set present = [] -%}
        {%- elif execute -%}
            {%- set present = run_query('select * from ' ~ reader ~ ' limit 0').column_names | map('lower') | list -%}
            {%- set missing = [] -%}
            {%- for column, required, data_type in contract if required and column not in present -%}
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
    {%- endif -%}
    {%- if not is_absent %}
    (
        select
            {%- for column, required, data_type in contract %}
                {% if column in present %}{{ adapter.quote(column) }}{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as {{ column }},
            {%- endfor %}
            {{ source_file }} as source_file,
            row_number() over () + {{ first_line - 1 }} as source_line_number
        from {{ reader }}
    )
    {%- else %}
    {#- An optional table the raw_dir does not hold: its columns, no rows. #}
    (
        select
            {%- for column, required, data_type in contract %}
                cast(null as {{ dbt.type_string() }}) as {{ column }},
            {%- endfor %}
            cast(null as {{ dbt.type_string() }}) as source_file,
            cast(null as {{ dbt.type_bigint() }}) as source_line_number
        where 1 = 0
    )
    {%- endif %}
{%- endmacro %}
