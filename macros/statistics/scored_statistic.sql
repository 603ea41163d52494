{#- One statistic of METHODS.md scored on a relation shaped like int_statistic_inputs: statistic_definition, then
    score_statistic with the statistic's transform (statistics 1–2 'sqrt_ratio', statistic 3 'arcsine_share' with
    at least 10 known-level matches). The method's choices are passed on (defaults: the vars; see score_statistic),
    and `carry` (statistic_definition). -#}
{% macro scored_statistic(
    number,
    inputs,
    foreign_born_share='foreign_born_share',
    min_expected=none,
    tau2_method=none,
    carry=[],
    for_ranking=false,
    period='reporting_period'
) -%}
    with statistic_inputs as (
        {{ statistic_definition(number, inputs, foreign_born_share, carry, period) }}
    )

    select * from (
        {{ score_statistic(
            'statistic_inputs',
            'arcsine_share' if number == 3 else 'sqrt_ratio',
            min_trials=10 if number == 3 else none,
            min_expected=min_expected,
            tau2_method=tau2_method,
            for_ranking=for_ranking
        ) }}
    ) as scored_statistic
{%- endmacro %}
