{#- Correlation-adjusted Stouffer combination of two z-scores, as the match family uses it (METHODS.md "Combining
    the statistics"): (z_a + z_b) / sqrt(K + 2·r·[both]) over the K of the two that are present (not null), r the
    correlation of the two statistics over the units eligible for both (an expression; null read as 0).
    Null when neither is present. -#}
{% macro stouffer_combined_score(z_a, z_b, correlation) -%}
    case
        when {{ z_a }} is not null or {{ z_b }} is not null
            then (coalesce({{ z_a }}, 0.0) + coalesce({{ z_b }}, 0.0)) / sqrt(
                case when {{ z_a }} is not null then 1 else 0 end
                + case when {{ z_b }} is not null then 1 else 0 end
                + case
                    when {{ z_a }} is not null and {{ z_b }} is not null then 2.0 * coalesce({{ correlation }}, 0.0)
                    else 0.0
                end
            )
    end
{%- endmacro %}
