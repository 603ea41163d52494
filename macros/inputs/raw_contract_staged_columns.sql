{#- For the staging model `model` (a relation) of a raw table: a mapping from each column of the `contract`
    (macro raw_contract) to the staging column that holds it, typed: the column of the same name, or the one whose
    yml entry says `meta: {raw_column: <contract column>}` (a renamed column: `period_start_date`). Stops the run
    when a contract column has no staging column, naming it. Empty while dbt parses. -#}
{% macro raw_contract_staged_columns(model, contract) -%}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set documented = {} -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == model.identifier and node.schema == model.schema -%}
        {%- for column in node.columns.values() -%}
            {%- do documented.update({column.meta.get('raw_column', column.name): column.name}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set staged = {} -%}
    {%- set missing = [] -%}
    {%- for column in contract.columns -%}
        {%- if column.name in documented -%}
            {%- do staged.update({column.name: documented[column.name]}) -%}
        {%- else -%}
            {%- do missing.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "raw_contract_staged_columns: " ~ model ~ " documents no column for the contract column(s) "
            ~ (missing | join(', ')) ~ " of " ~ contract.name ~ " (name one in its yml, or mark the renamed one "
            ~ "with meta: {raw_column: ...})"
        ) }}
    {%- endif -%}
    {{ return(staged) }}
{%- endmacro %}
