{#- A raw column parsed as its contract type (raw_table_columns); a value that does not parse becomes null here and
    is reported by unparsable_values, never silently kept. -#}
{% macro parse_raw(table, column, relation='source') -%}
    {%- set types = {} -%}
    {%- for name, required, data_type in raw_table_columns(table) -%}
        {%- do types.update({name: data_type}) -%}
    {%- endfor -%}
    {{ try_parse(relation ~ '.' ~ column, api.Column.translate_type(types[column])) }}
{%- endmacro %}
