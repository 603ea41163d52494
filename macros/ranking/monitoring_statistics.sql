{#- The three statistics of the method, in one place for every model and text that loops over them: number, the
    prefix of their columns in the ranking, their mart, their family, and how a reviewer reads their name. -#}
{% macro monitoring_statistics() -%}
    {{ return([
        {
            'number': 1,
            'prefix': 'match_rate',
            'mart': 'fct_match_rate',
            'family': 'match',
            'name': 'matches against the foreign-born share',
        },
        {
            'number': 2,
            'prefix': 'crime_adjusted',
            'mart': 'fct_crime_adjusted_matches',
            'family': 'match',
            'name': 'matches against UCR arrests',
        },
        {
            'number': 3,
            'prefix': 'minor_share',
            'mart': 'fct_minor_offense_share',
            'family': 'minor',
            'name': 'less-serious offenses among matches',
        },
    ]) }}
{%- endmacro %}
