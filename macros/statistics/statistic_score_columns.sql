{#- The columns every statistic mart publishes from score_statistic (its output `scored`), in one order
    (CONTRACT.md "Outputs"), after statistic_context_columns and the mart's own inputs. -#}
{% macro statistic_score_columns(scored) -%}
    {{ scored }}.observed,
    {{ scored }}.expected,
    {{ scored }}.ratio,
    {{ scored }}.ratio_shrunk,
    {{ scored }}.ratio_lower_95,
    {{ scored }}.ratio_upper_95,
    {{ scored }}.ratio_lower_998,
    {{ scored }}.ratio_upper_998,
    {{ scored }}.raw_z,
    {{ scored }}.z_score,
    {{ scored }}.p_value,
    {{ scored }}.p_value_exact,
    {{ scored }}.poisson_significance,
    {{ scored }}.q_value,
    {{ scored }}.is_significant,
    {{ scored }}.is_eligible,
    {{ scored }}.ineligible_reason,
    {{ scored }}.uses_synthetic_inputs,
    {{ scored }}.is_ranked,
    {{ scored }}.calibration_constant,
    {{ scored }}.tau2,
    {{ scored }}.phi,
    {{ scored }}.tau2_method,
    {{ scored }}.n_eligible
{%- endmacro %}
