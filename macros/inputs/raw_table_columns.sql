{#- The columns of raw table `name` in contract order, as (name, required, data_type) triples, from the one
    definition of the contract (macro raw_contract; models/staging/_raw__sources.yml). A file may carry more
    columns (ignored) and may omit optional ones (read as null). Empty while dbt parses (see raw_contract). -#}
{% macro raw_table_columns(name) -%}
    {%- set columns = [] -%}
    {%- for column in raw_contract(name).columns -%}
        {%- do columns.append((column.name, column.required, column.data_type)) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
