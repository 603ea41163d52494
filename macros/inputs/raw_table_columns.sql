{#- The columns of each raw table (CONTRACT.md "Inputs"), in contract order: name, whether it is required, and the
    type it must parse as. A file may carry more columns (ignored) and may omit optional ones (read as null). -#}
{% macro raw_table_columns(name) -%}
    {%- set contract = {
        'raw_sc_identifications': [
            ('county_fips', true, 'varchar'), ('period_start', true, 'date'), ('period_end', true, 'date'),
            ('submissions', true, 'bigint'), ('matches_total', true, 'bigint'),
            ('matches_level1', false, 'bigint'), ('matches_level2', false, 'bigint'),
            ('matches_level3', false, 'bigint'), ('matches_level2_3', false, 'bigint'),
            ('level_basis', false, 'varchar'), ('source', false, 'varchar'),
        ],
        'raw_census_foreign_born': [
            ('county_fips', true, 'varchar'), ('acs_vintage', true, 'varchar'),
            ('total_population', true, 'bigint'), ('foreign_born_share', true, 'double'),
            ('foreign_born_share_moe', false, 'double'), ('noncitizen_share', false, 'double'),
        ],
        'raw_ucr_arrests': [
            ('county_fips', true, 'varchar'), ('data_year', true, 'integer'), ('offense_code', true, 'varchar'),
            ('arrests', true, 'bigint'), ('coverage_indicator', true, 'double'), ('is_synthetic', false, 'boolean'),
        ],
    } -%}
    {%- if name not in contract -%}
        {{ exceptions.raise_compiler_error("raw_table_columns: '" ~ name ~ "' is not a raw table of the contract") }}
    {%- endif -%}
    {{ return(contract[name]) }}
{%- endmacro %}
