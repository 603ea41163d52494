{#- The columns every statistic mart publishes from score_statistic (its output `relation`), in one order
    (CONTRACT.md "Outputs"). -#}
{% macro statistic_score_columns(relation) -%}
    {{ relation }}.observed,
    {{ relation }}.expected,
    {{ relation }}.ratio,
    {{ relation }}.ratio_shrunk,
    {{ relation }}.ratio_lower_95,
    {{ relation }}.ratio_upper_95,
    {{ relation }}.ratio_lower_998,
    {{ relation }}.ratio_upper_998,
    {{ relation }}.raw_z,
    {{ relation }}.z_score,
    {{ relation }}.p_value,
    {{ relation }}.p_value_exact,
    {{ relation }}.poisson_significance,
    {{ relation }}.q_value,
    {{ relation }}.is_significant,
    {{ relation }}.is_eligible,
    {{ relation }}.ineligible_reason,
    {{ relation }}.calibration_constant,
    {{ relation }}.tau2,
    {{ relation }}.phi,
    {{ relation }}.tau2_method,
    {{ relation }}.n_eligible
{%- endmacro %}
