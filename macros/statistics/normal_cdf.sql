{#- Φ(x), the standard normal distribution function (see normal_lower_tail for the approximation). -#}
{% macro normal_cdf(x) -%}
    case
        when {{ x }} > 0 then 1.0 - {{ normal_lower_tail(x) }}
        else {{ normal_lower_tail(x) }}
    end
{%- endmacro %}
