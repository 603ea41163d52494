{#- Schemas are named for what they hold (`staging`, `intermediate`, `marts`), without the target prefix, so
    analysts and BI tools see the same names whichever target built the file. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
