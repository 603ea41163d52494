{#- Everything a statistic does after its inputs are defined (METHODS.md "Observed and expected" and
    "Scores"), so the three marts share one formula:
      1. calibration: k = ΣO / Σbasis over the valid units of the group, so Σexpected = Σobserved;
         'sqrt_ratio': E = k·basis; 'arcsine_share': π = min(k·basis/n, 0.999), E = n·π;
      2. eligibility: valid and E >= var min_expected (and n >= min_trials for shares), else a reason;
      3. variance stabilisation, overdispersion-adjusted z, p, BH q (overdispersion_scores);
      4. the Poisson–gamma shrunken ratio, funnel limits at the unit's size, exact mid-p when E < 20 and the
         plain-Poisson significance label (no overdispersion) for comparison.
    `relation` has one row per unit and group with `observed`, `expected_basis` (E before calibration),
    `trials` (n, for 'arcsine_share'; may be null otherwise) and `invalid_reason` (null when valid). -#}
{% macro score_statistic(relation, transform, group_by=['reporting_period'], unit_key='county_fips', min_trials=none) -%}
    {%- set window = 'over (partition by ' ~ (group_by | join(', ')) ~ ')' -%}
    {%- set z95 = 1.959963984540054 -%}
    {%- set z998 = 3.090232306167813 -%}
    with calibrated as (
        select
            *,
            sum(case when invalid_reason is null then observed end) {{ window }}
            / sum(case when invalid_reason is null then expected_basis end) {{ window }} as calibration_constant
        from {{ relation }}
    ),

    with_expected as (
        select
            *,
            {%- if transform == 'sqrt_ratio' %}
                cast(null as double) as expected_share,
                case when invalid_reason is null then calibration_constant * expected_basis end as expected
            {%- else %}
                case
                    when invalid_reason is null then least(calibration_constant * expected_basis / trials, 0.999)
                end as expected_share,
                case
                    when invalid_reason is null
                        then trials * least(calibration_constant * expected_basis / trials, 0.999)
                end as expected
            {%- endif %}
        from calibrated
    ),

    with_eligibility as (
        select
            *,
            observed / expected as ratio,
            case
                when invalid_reason is not null then invalid_reason
                {%- if min_trials is not none %}
                    when trials < {{ min_trials }} then 'too_few_known_level_matches'
                {%- endif %}
                when expected < {{ var('min_expected') }} then 'expected_below_minimum'
            end as ineligible_reason
        from with_expected
    ),

    stabilised as (
        select
            *,
            ineligible_reason is null as is_eligible,
            {%- if transform == 'sqrt_ratio' %}
                sqrt(observed / expected) as y_stabilised,
                1.0 as y_target,
                1.0 / (2.0 * sqrt(expected)) as y_standard_error
            {%- else %}
                asin(sqrt(observed / trials)) - asin(sqrt(expected_share)) as y_stabilised,
                0.0 as y_target,
                1.0 / (2.0 * sqrt(trials)) as y_standard_error
            {%- endif %}
        from with_eligibility
    ),

    scored as (
        {{ overdispersion_scores('stabilised', group_by, unit_key) }}
    ),

    shrunk as (
        {{ poisson_gamma_shrinkage('scored', group_by) }}
    )

    select
        *,
        {%- for level, z in [('95', z95), ('998', z998)] %}
            case
                when is_eligible
                    then {{ funnel_limit(transform, -z, 'score_standard_error', 'expected_share') }}
            end as ratio_lower_{{ level }},
            case
                when is_eligible
                    then {{ funnel_limit(transform, z, 'score_standard_error', 'expected_share') }}
            end as ratio_upper_{{ level }},
        {%- endfor %}
        case when expected < 20 then {{ poisson_mid_p('observed', 'expected') }} end as p_value_exact,
        {{ poisson_ratio_significance('observed', 'expected') }} as poisson_significance,
        coalesce(q_value < {{ var('fdr_level') }}, false) as is_significant
    from shrunk
{%- endmacro %}
