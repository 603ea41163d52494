{#- Everything a statistic does after its inputs are defined (METHODS.md "Observed and expected", "Scores" and
    "Synthetic inputs never decide the list"), so that every mart shares one formula, per reporting period:
      1. calibration: k = ΣO / Σbasis over the valid units, so Σexpected = Σobserved;
         'sqrt_ratio': E = k·basis; 'arcsine_share': π = min(k·basis/n, 0.999), E = n·π;
      2. eligibility: valid and E >= min_expected (and n >= min_trials for shares), else a reason;
      3. variance stabilisation, overdispersion-adjusted z, p, BH q (overdispersion_scores);
      4. whether the statistic enters the rank: eligible, and not resting on synthetic inputs unless
         rank_synthetic_inputs;
      5. the Poisson–gamma shrunken ratio, funnel limits at the unit's size, exact mid-p when E < 20 and the
         plain-Poisson significance label (no overdispersion) for comparison; left out with `for_ranking`, when
         only the ranking is wanted (the sensitivity alternatives).
    `relation` has one row per unit (`county_fips`) and `reporting_period` with `observed`, `expected_basis`
    (E before calibration), `trials` (n, for 'arcsine_share'; may be null otherwise), `invalid_reason` (null when
    valid) and `uses_synthetic_inputs`. The method's choices are arguments whose defaults are the vars, so that a
    sensitivity model can score the same inputs another way; `min_expected` may be a number or a column. -#}
{% macro score_statistic(
    relation,
    transform,
    min_trials=none,
    min_expected=none,
    tau2_method=none,
    rank_synthetic_inputs=none,
    fdr_level=none,
    for_ranking=false
) -%}
    {%- set min_expected = var('min_expected') if min_expected is none else min_expected -%}
    {%- set rank_synthetic_inputs = var('rank_synthetic_inputs') if rank_synthetic_inputs is none else rank_synthetic_inputs -%}
    {%- set fdr_level = var('fdr_level') if fdr_level is none else fdr_level -%}
    {%- set per_period = 'over (partition by reporting_period)' -%}
    with calibrated as (
        select
            *,
            sum(case when invalid_reason is null then observed end) {{ per_period }}
            / sum(case when invalid_reason is null then expected_basis end) {{ per_period }} as calibration_constant
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
                when expected < {{ min_expected }} then 'expected_below_minimum'
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
        {{ overdispersion_scores('stabilised', tau2_method=tau2_method) }}
    )
    {%- set ranked = 'is_eligible and ' ~ ('true' if rank_synthetic_inputs else 'not coalesce(uses_synthetic_inputs, false)') %}
    {%- if for_ranking %}

    select
        *,
        coalesce(q_value < {{ fdr_level }}, false) as is_significant,
        {{ ranked }} as is_ranked
    from scored
    {%- else %},

    shrunk as (
        {{ poisson_gamma_shrinkage('scored') }}
    )

    select
        *,
        {%- for level in ['95', '998'] %}
            case
                when is_eligible
                    then {{ funnel_limit(transform, -funnel_z(level), 'score_standard_error', 'expected_share') }}
            end as ratio_lower_{{ level }},
            case
                when is_eligible
                    then {{ funnel_limit(transform, funnel_z(level), 'score_standard_error', 'expected_share') }}
            end as ratio_upper_{{ level }},
        {%- endfor %}
        case when expected < 20 then {{ poisson_mid_p('observed', 'expected') }} end as p_value_exact,
        {{ poisson_ratio_significance('observed', 'expected') }} as poisson_significance,
        coalesce(q_value < {{ fdr_level }}, false) as is_significant,
        {{ ranked }} as is_ranked
    from shrunk
    {%- endif %}
{%- endmacro %}
