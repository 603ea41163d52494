{#- Between-unit variance τ² by Paule–Mandel (1982), one value per reporting period.
    `relation` has one row per eligible unit with `reporting_period`, `residual` (y − target) and
    `sampling_variance` (s²).
    Q(τ²) = Σw r² − (Σw r)²/Σw with w = 1/(s² + τ²) falls as τ² grows; τ² = 0 when Q(0) <= I − 1, otherwise
    the root of Q(τ²) = I − 1, by bisection on [0, 10·var_samp(r) + max s²] until the bracket is within 1e-14
    of its upper end (about 50 halvings). Returns: `reporting_period`, `tau2`, `tau2_iterations`.
    Engine-specific (recursive CTE with aggregates), hence dispatched. -#}
{% macro paule_mandel_tau2(relation) -%}
    {{ return(adapter.dispatch('paule_mandel_tau2', 'sc_monitoring')(relation)) }}
{%- endmacro %}

{% macro default__paule_mandel_tau2(relation) -%}
    {%- set q_at_midpoint -%}
        sum(units.residual * units.residual / (units.sampling_variance + (bracket.lower_bound + bracket.upper_bound) / 2))
        - power(sum(units.residual / (units.sampling_variance + (bracket.lower_bound + bracket.upper_bound) / 2)), 2)
        / sum(1.0 / (units.sampling_variance + (bracket.lower_bound + bracket.upper_bound) / 2))
        > count(*) - 1
    {%- endset -%}
    with recursive
    start_values as (
        select
            reporting_period,
            count(*) as n_units,
            sum(residual * residual / sampling_variance)
            - power(sum(residual / sampling_variance), 2) / sum(1.0 / sampling_variance) as q_at_zero,
            cast(10 * coalesce(var_samp(residual), 0) + max(sampling_variance) as double) as upper_start
        from {{ relation }}
        group by reporting_period
    ),

    bracket as (
        select
            reporting_period,
            cast(0 as double) as lower_bound,
            cast(upper_start as double) as upper_bound,
            0 as iteration
        from start_values
        where q_at_zero > n_units - 1
        union all
        select
            bracket.reporting_period,
            case when {{ q_at_midpoint }} then (bracket.lower_bound + bracket.upper_bound) / 2 else bracket.lower_bound end,
            case when {{ q_at_midpoint }} then bracket.upper_bound else (bracket.lower_bound + bracket.upper_bound) / 2 end,
            bracket.iteration + 1
        from bracket
        inner join {{ relation }} as units
            on bracket.reporting_period = units.reporting_period
        where
            bracket.upper_bound - bracket.lower_bound > 1e-14 * bracket.upper_bound
            and bracket.iteration < 200
        group by bracket.reporting_period, bracket.lower_bound, bracket.upper_bound, bracket.iteration
    ),

    converged as (
        select
            reporting_period,
            arg_max((lower_bound + upper_bound) / 2, iteration) as tau2,
            max(iteration) as tau2_iterations
        from bracket
        group by reporting_period
    )

    select
        start_values.reporting_period,
        coalesce(converged.tau2, cast(0 as double)) as tau2,
        coalesce(converged.tau2_iterations, 0) as tau2_iterations
    from start_values
    left join converged
        on start_values.reporting_period = converged.reporting_period
{%- endmacro %}
