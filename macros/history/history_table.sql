{#- A table of the history record as a relation with the given columns, whatever the record holds: the table's
    columns where they exist, typed nulls for columns an older record lacks, and no rows at all when no record is
    attached or the table does not exist yet (a fresh clone). `columns` is a list of (name, type). -#}
{% macro history_table(table, columns) -%}
    {%- set relation = source('history', table) -%}
    {%- set present = [] -%}
    {%- if execute and history_is_attached() -%}
        {%- set found = adapter.get_relation(database='history', schema='review_lists', identifier=table) -%}
        {%- if found is not none -%}
            {%- set present = adapter.get_columns_in_relation(found) | map(attribute='name') | map('lower') | list -%}
        {%- endif -%}
    {%- endif -%}
    (
        select
            {%- for name, data_type in columns %}
                {% if name in present %}{{ name }}{% else %}cast(null as {{ data_type }}){% endif %} as {{ name }}
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
        {% if present -%}
            from {{ relation }}
        {%- else -%}
            from (select 1 as no_record) as empty_record
            where false
        {%- endif %}
    )
{%- endmacro %}
