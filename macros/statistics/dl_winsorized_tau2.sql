{#- Between-unit variance τ² by the NHS/CQC funnel-plot convention (Spiegelhalter 2005, as FunnelPlotR):
    raw z winsorised at its 10th and 90th percentiles (linear interpolation, R type 7), φ = mean of the
    winsorised z², τ² = max(0, (I·φ − (I − 1)) / (Σw − Σw²/Σw)) with w = 1/s².
    `relation` has one row per eligible unit with `reporting_period`, `raw_z` and `sampling_variance`.
    Returns: `reporting_period`, `tau2`, `phi_winsorized`. -#}
{% macro dl_winsorized_tau2(relation) -%}
    with percentiles as (
        select
            reporting_period,
            {{ percentile_linear('raw_z', 0.1) }} as z_p10,
            {{ percentile_linear('raw_z', 0.9) }} as z_p90
        from {{ relation }}
        group by reporting_period
    ),

    winsorized as (
        select
            units.reporting_period,
            least(greatest(units.raw_z, percentiles.z_p10), percentiles.z_p90) as z_winsorized,
            1.0 / units.sampling_variance as weight
        from {{ relation }} as units
        inner join percentiles
            on units.reporting_period = percentiles.reporting_period
    ),

    moments as (
        select
            reporting_period,
            count(*) as n_units,
            avg(z_winsorized * z_winsorized) as phi_winsorized,
            sum(weight) as sum_weight,
            sum(weight * weight) as sum_weight_squared
        from winsorized
        group by reporting_period
    )

    select
        reporting_period,
        phi_winsorized,
        greatest(
            0.0,
            (n_units * phi_winsorized - (n_units - 1)) / (sum_weight - sum_weight_squared / sum_weight)
        ) as tau2
    from moments
{%- endmacro %}
