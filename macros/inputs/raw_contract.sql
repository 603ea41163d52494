{#- The definition of raw table `name`: the `raw` source of models/staging/_raw__sources.yml, the project's one
    definition of the raw contract (CONTRACT.md "Inputs"), read through `graph.sources`. Returns a mapping:
    `name`; `optional` (true for a companion table a raw_dir may leave out, such as raw_ucr_data_quality);
    `key` (column names); `rules` (the table's cross-column rules as written there: name, column, description,
    and a `check` or the `test` that checks it); `columns` in contract order, each a mapping of `name`,
    `data_type`, `required` and `rules` (as written there).

    dbt fills `graph` only when it executes; while it parses (`dbt parse`, the first pass of every command) this
    returns a definition without columns or rules, and the SQL rendered from it only has to name its refs. -#}
{% macro raw_contract(name) -%}
    {%- if not execute -%}
        {{ return({'name': name, 'optional': false, 'key': [], 'rules': [], 'columns': []}) }}
    {%- endif -%}
    {%- set found = [] -%}
    {%- for node in graph.sources.values() if node.source_name == 'raw' and node.name == name -%}
        {%- set columns = [] -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.append({
                'name': column.name,
                'data_type': column.data_type,
                'required': column.meta.get('required', false),
                'rules': column.meta.get('rules', []),
            }) -%}
        {%- endfor -%}
        {%- do found.append({
            'name': name,
            'optional': node.meta.get('optional', false),
            'key': node.meta.get('key', []),
            'rules': node.meta.get('rules', []),
            'columns': columns,
        }) -%}
    {%- endfor -%}
    {%- if not found -%}
        {{ exceptions.raise_compiler_error(
            "raw_contract: '" ~ name ~ "' is not a raw table of the contract (source raw, "
            ~ "models/staging/_raw__sources.yml)"
        ) }}
    {%- endif -%}
    {{ return(found[0]) }}
{%- endmacro %}
