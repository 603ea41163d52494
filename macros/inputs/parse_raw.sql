{#- A raw column parsed as its contract type (raw_table_columns); a value that does not parse becomes null here and
    is reported by unparsable_values, never silently kept. A column the contract does not have stops the run. -#}
{% macro parse_raw(table, column, relation='source') -%}
    {%- if not execute -%}
        {{ return(relation ~ '.' ~ column) }}
    {%- endif -%}
    {%- set types = {} -%}
    {%- for name, required, data_type in raw_table_columns(table) -%}
        {%- do types.update({name: data_type}) -%}
    {%- endfor -%}
    {%- if column not in types -%}
        {{ exceptions.raise_compiler_error(
            "parse_raw: " ~ table ~ " has no column '" ~ column ~ "' in the raw contract"
        ) }}
    {%- endif -%}
    {{ try_parse(relation ~ '.' ~ column, api.Column.translate_type(types[column])) }}
{%- endmacro %}
