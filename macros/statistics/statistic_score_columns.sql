{#- The columns every statistic mart publishes from score_statistic, in one order (CONTRACT.md "Outputs"). -#}
{% macro statistic_score_columns() -%}
    observed,
    expected,
    ratio,
    ratio_shrunk,
    ratio_lower_95,
    ratio_upper_95,
    ratio_lower_998,
    ratio_upper_998,
    raw_z,
    z_score,
    p_value,
    p_value_exact,
    q_value,
    is_significant,
    is_eligible,
    ineligible_reason,
    calibration_constant,
    tau2,
    phi,
    tau2_method,
    n_eligible
{%- endmacro %}
