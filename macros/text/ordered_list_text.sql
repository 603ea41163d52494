{#- The values of `column` in a group as one space-separated text, sorted (e.g. member counties). -#}
{% macro ordered_list_text(column) -%}
    {{ return(adapter.dispatch('ordered_list_text', 'sc_monitoring')(column)) }}
{%- endmacro %}

{% macro default__ordered_list_text(column) -%}
    concat_ws(' ', array_sort(collect_list({{ column }})))
{%- endmacro %}

{% macro duckdb__ordered_list_text(column) -%}
    string_agg({{ column }}, ' ' order by {{ column }})
{%- endmacro %}
