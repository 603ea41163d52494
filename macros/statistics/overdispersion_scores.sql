{#- The scoring pipeline shared by the three statistics (METHODS.md "Scores", Spiegelhalter 2005), per group:
    raw z = (y − target)/s; τ² by `tau2_method`; z_score = (y − target)/sqrt(s² + τ²); one-sided p of an excess;
    Benjamini–Hochberg q over the eligible units.
    `relation` has one row per unit and group with `is_eligible`, `y_stabilised`, `y_target` and
    `y_standard_error` (s). Ineligible rows pass through with null scores. Returns every column of `relation`
    plus `raw_z`, `phi`, `tau2`, `tau2_method`, `n_eligible`, `score_standard_error` (sqrt(s² + τ²)),
    `z_score`, `p_value`, `q_value`. -#}
{% macro overdispersion_scores(relation, group_by=['reporting_period'], unit_key='county_fips', tau2_method=none) -%}
    {%- set method = tau2_method or var('tau2_method') -%}
    {%- if method not in ['paule_mandel', 'dl_winsorized'] -%}
        {{ exceptions.raise_compiler_error(
            "var tau2_method must be 'paule_mandel' or 'dl_winsorized', got '" ~ method ~ "'"
        ) }}
    {%- endif -%}
    {%- set groups = group_by | join(', ') -%}
    {%- set join_groups -%}
        {% for column in group_by %}scored_groups.{{ column }} = with_raw_z.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
    {%- endset -%}
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
            {{ groups }},
            y_stabilised - y_target as residual,
            y_standard_error * y_standard_error as sampling_variance,
            raw_z
        from with_raw_z
        where is_eligible
    ),

    between_unit_variance as (
        {% if method == 'paule_mandel' -%}
            select
                pm.*,
                moments.phi,
                moments.n_eligible
            from ({{ paule_mandel_tau2('eligible_units', group_by) }}) as pm
            inner join (
                select
                    {{ groups }},
                    avg(raw_z * raw_z) as phi,
                    count(*) as n_eligible
                from eligible_units
                group by {{ groups }}
            ) as moments
                on {% for column in group_by %}moments.{{ column }} = pm.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
        {%- else -%}
            select
                dl.{{ group_by | join(', dl.') }},
                dl.tau2,
                dl.phi_winsorized as phi,
                counts.n_eligible
            from ({{ dl_winsorized_tau2('eligible_units', group_by) }}) as dl
            inner join (
                select
                    {{ groups }},
                    count(*) as n_eligible
                from eligible_units
                group by {{ groups }}
            ) as counts
                on {% for column in group_by %}counts.{{ column }} = dl.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
        {%- endif %}
    ),

    scored as (
        select
            with_raw_z.*,
            scored_groups.phi,
            scored_groups.tau2,
            '{{ method }}' as tau2_method,
            scored_groups.n_eligible,
            case
                when with_raw_z.is_eligible
                    then sqrt(with_raw_z.y_standard_error * with_raw_z.y_standard_error + scored_groups.tau2)
            end as score_standard_error
        from with_raw_z
        left join between_unit_variance as scored_groups
            on {{ join_groups }}
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

    {{ benjamini_hochberg('with_p', 'p_value', group_by, unit_key) }}
{%- endmacro %}
