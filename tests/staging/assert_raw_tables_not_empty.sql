-- Every raw table has rows: an empty or header-only file would otherwise score nothing, or score every county as
-- missing its inputs, without an error.
{%- set staged = [
    ('raw_sc_identifications', 'stg_ice__identifications'),
    ('raw_census_foreign_born', 'stg_census__foreign_born'),
    ('raw_ucr_arrests', 'stg_ucr__arrests'),
] %}

with

row_counts as (
    {%- for raw_table_name, model in staged %}
        select
            '{{ raw_table_name }}' as raw_table_name,
            count(*) as n_rows
        from {{ ref(model) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select *
from row_counts
where n_rows = 0
