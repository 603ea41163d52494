{#- 1 − Φ(x), the one-sided p-value of an excess, computed as Φ(−x) so that small p-values keep their digits. -#}
{% macro normal_upper_tail(x) -%}
    case
        when {{ x }} > 0 then {{ normal_lower_tail(x) }}
        else 1.0 - {{ normal_lower_tail(x) }}
    end
{%- endmacro %}
