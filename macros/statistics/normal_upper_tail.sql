{#- 1 − Φ(x), the one-sided p-value of an excess, computed as Φ(−x) so that small p-values keep their
    digits: Φ(−|x|) for x > 0, 1 − Φ(−|x|) otherwise. Written as offset + sign · Φ(−|x|) so that the long
    expression of normal_lower_tail appears once, not once per branch (0.0 + Φ and 1.0 − Φ are what the two
    branches would give, to the bit). `x` must be a column or a parenthesised expression: it is repeated. -#}
{% macro normal_upper_tail(x) -%}
    (
        case when {{ x }} > 0 then 0.0 else 1.0 end
        + case when {{ x }} > 0 then 1.0 else -1.0 end * {{ normal_lower_tail(x) }}
    )
{%- endmacro %}
