{#- The columns of each raw table (CONTRACT.md "Inputs"), in contract order, with whether each is required.
    A file may carry more columns (ignored) and may omit optional ones (read as null). -#}
{% macro raw_table_columns(name) -%}
    {%- set contract = {
        'raw_sc_identifications': [
            ('county_fips', true), ('period_start', true), ('period_end', true), ('submissions', true),
            ('matches_total', true), ('matches_level1', false), ('matches_level2', false),
            ('matches_level3', false), ('matches_level2_3', false), ('level_basis', false), ('source', false),
        ],
        'raw_census_foreign_born': [
            ('county_fips', true), ('acs_vintage', true), ('total_population', true),
            ('foreign_born_share', true), ('foreign_born_share_moe', false), ('noncitizen_share', false),
        ],
        'raw_ucr_arrests': [
            ('county_fips', true), ('data_year', true), ('offense_code', true), ('arrests', true),
            ('coverage_indicator', true), ('is_synthetic', false),
        ],
    } -%}
    {%- if name not in contract -%}
        {{ exceptions.raise_compiler_error("raw_table_columns: '" ~ name ~ "' is not a raw table of the contract") }}
    {%- endif -%}
    {{ return(contract[name]) }}
{%- endmacro %}
