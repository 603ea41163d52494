{#- The values of `column` in a group as one text, sorted, joined by `separator` (member counties, notes). -#}
{% macro ordered_list_text(column, separator=' ') -%}
    {{ return(adapter.dispatch('ordered_list_text', 'sc_monitoring')(column, separator)) }}
{%- endmacro %}

{% macro default__ordered_list_text(column, separator) -%}
    concat_ws('{{ separator }}', array_sort(collect_list({{ column }})))
{%- endmacro %}

{% macro duckdb__ordered_list_text(column, separator) -%}
    string_agg({{ column }}, '{{ separator }}' order by {{ column }})
{%- endmacro %}
