{#- The vars dbt_project.yml declares (tests/python/test_vars.py checks that the two lists agree): any other var
    given on the command line is a misspelling and stops the run. -#}
{% macro known_vars() -%}
    {{ return([
        'raw_dir', 'reporting_period', 'window_quarters', 'review_list_size', 'min_expected', 'min_ucr_coverage',
        'tau2_method', 'fdr_level', 'rank_synthetic_inputs', 'custody_sites', 'custody_adp_per_10k', 'rank_replicates',
        'rank_seed', 'packet_units', 'unit_fips',
    ]) }}
{%- endmacro %}
