{#- What each statistic observes and expects (METHODS.md "Observed and expected"), from a relation shaped like
    int_statistic_inputs (one row per unit and period): `observed`, `expected_basis` (E before calibration),
    `trials` (n, statistic 3), `uses_synthetic_inputs` and `invalid_reason` (the first input that is missing or not
    positive, in the order of the ineligible reasons). The one definition the statistic marts, the single-quarter
    statistics and the sensitivity alternatives share; `foreign_born_share` names the column of F to use (the
    other-ACS-vintage alternative passes another); `period` the column that groups the units (the sensitivity
    alternatives pass one that carries the alternative); `carry` lists further columns to pass on. Feeds
    score_statistic. -#}
{% macro statistic_definition(
    number, inputs, foreign_born_share='foreign_born_share', carry=[], period='reporting_period'
) -%}
    select
        unit_fips as county_fips,
        {{ period }} as reporting_period,
        {%- for column in carry %}
            {{ column }},
        {%- endfor %}
        {%- if number == 1 %}
            matches_total as observed,
            submissions * {{ foreign_born_share }} as expected_basis,
            cast(null as double) as trials,
            false as uses_synthetic_inputs,
        {%- elif number == 2 %}
            matches_total as observed,
            ucr_arrests_total * exposure_years * {{ foreign_born_share }} as expected_basis,
            cast(null as double) as trials,
            ucr_is_synthetic as uses_synthetic_inputs,
        {%- elif number == 3 %}
            matches_minor as observed,
            matches_known_level * ucr_minor_share as expected_basis,
            cast(matches_known_level as double) as trials,
            ucr_is_synthetic as uses_synthetic_inputs,
        {%- else %}
            {{ exceptions.raise_compiler_error("statistic_definition: statistic must be 1, 2 or 3, got " ~ number) }}
        {%- endif %}
        case
            when unit_invalid_reason is not null then unit_invalid_reason
            {%- if number in (1, 2) %}
                when {{ foreign_born_share }} is null then 'missing_census'
                when {{ foreign_born_share }} <= 0 then 'zero_foreign_born_estimate'
            {%- endif %}
            {%- if number == 2 %}
                when ucr_invalid_reason is not null then ucr_invalid_reason
                when exposure_years <= 0 then 'no_exposure'
            {%- elif number == 3 %}
                when coalesce(matches_known_level, 0) = 0 then 'no_known_level_matches'
                when ucr_invalid_reason is not null then ucr_invalid_reason
                when ucr_minor_share <= 0 then 'zero_ucr_minor_share'
            {%- endif %}
        end as invalid_reason
    from {{ inputs }}
{%- endmacro %}
