{#- The scoring pipeline shared by the three statistics (METHODS.md "Scores", Spiegelhalter 2005), per reporting
    period: raw z = (y − target)/s; τ² by `tau2_method` (default: var tau2_method); z_score = (y − target)/sqrt(s² + τ²);
    one-sided p of an excess; Benjamini–Hochberg q over the eligible units.
    `relation` has one row per unit (`county_fips`) and `reporting_period` with `is_eligible`, `y_stabilised`,
    `y_target` and `y_standard_error` (s). Ineligible rows pass through with null scores. Returns every column of
    `relation` plus `raw_z`, `phi`, `tau2`, `tau2_method`, `n_eligible`, `score_standard_error` (sqrt(s² + τ²)),
    `z_score`, `p_value`, `q_value`. -#}
{% macro overdispersion_scores(relation, tau2_method=none) -%}
    {%- set method = tau2_method or var('tau2_method') -%}
    {%- if method not in ['paule_mandel', 'dl_winsorized'] -%}
        {{ exceptions.raise_compiler_error(
            "var tau2_method must be 'paule_mandel' or 'dl_winsorized', got '" ~ method ~ "'"
        ) }}
    {%- endif -%}
    with with_raw_z as (
        select
            *,
            case
                when is_eligible then (y_stabilised - y_target) / y_standard_error
            end as raw_z
        from {{ relation }}
    ),

    eligible_units as (
        select
            reporting_period,
            y_stabilised - y_target as residual,
            y_standard_error * y_standard_error as sampling_variance,
            raw_z
        from with_raw_z
        where is_eligible
    ),

    moments as (
        select
            reporting_period,
            avg(raw_z * raw_z) as phi_raw,
            count(*) as n_eligible
        from eligible_units
        group by reporting_period
    ),

    between_unit_variance as (
        {% if method == 'paule_mandel' -%}
            select
                pm.reporting_period,
                pm.tau2,
                moments.phi_raw as phi,
                moments.n_eligible
            from ({{ paule_mandel_tau2('eligible_units') }}) as pm
        {%- else -%}
            select
                dl.reporting_period,
                dl.tau2,
                dl.phi_winsorized as phi,
                moments.n_eligible
            from ({{ dl_winsorized_tau2('eligible_units') }}) as dl
        {%- endif %}
        inner join moments
            on {{ 'pm' if method == 'paule_mandel' else 'dl' }}.reporting_period = moments.reporting_period
    ),

    scored as (
        select
            with_raw_z.*,
            between_unit_variance.phi,
            between_unit_variance.tau2,
            '{{ method }}' as tau2_method,
            between_unit_variance.n_eligible,
            case
                when with_raw_z.is_eligible
                    then sqrt(with_raw_z.y_standard_error * with_raw_z.y_standard_error + between_unit_variance.tau2)
            end as score_standard_error
        from with_raw_z
        left join between_unit_variance
            on with_raw_z.reporting_period = between_unit_variance.reporting_period
    ),

    with_z as (
        select
            *,
            (y_stabilised - y_target) / score_standard_error as z_score
        from scored
    ),

    with_p as (
        select
            *,
            {{ normal_upper_tail('z_score') }} as p_value
        from with_z
    )

    {{ benjamini_hochberg('with_p') }}
{%- endmacro %}
