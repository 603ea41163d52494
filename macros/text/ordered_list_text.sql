{#- The values of `column` in a group as one text joined by `separator`, sorted by `order_by` (default: the values
    themselves; e.g. 'average_daily_population desc'): member counties, notes, facility lists. -#}
{% macro ordered_list_text(column, separator=' ', order_by=none) -%}
    {{ return(adapter.dispatch('ordered_list_text', 'sc_monitoring')(column, separator, order_by or column)) }}
{%- endmacro %}

{% macro default__ordered_list_text(column, separator, order_by) -%}
    {%- set key = order_by.split(' ')[0] -%}
    {%- set descending = order_by.split(' ')[-1] | lower == 'desc' -%}
    concat_ws('{{ separator }}', transform(
        {% if descending %}reverse({% endif %}array_sort(collect_list(struct({{ key }} as sort_key, {{ column }} as item))){% if descending %}){% endif %},
        entry -> entry.item
    ))
{%- endmacro %}

{% macro duckdb__ordered_list_text(column, separator, order_by) -%}
    string_agg({{ column }}, '{{ separator }}' order by {{ order_by }})
{%- endmacro %}
