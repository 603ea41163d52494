{#- A pseudo-random standard normal number that is a pure function of `parts` (see seeded_uniform): Box–Muller,
    sqrt(−2 ln u1)·cos(2π u2), with u1 and u2 two seeded uniforms of the same parts. -#}
{% macro seeded_standard_normal(parts) -%}
    (
        sqrt(-2.0 * ln({{ seeded_uniform(parts + ["'u1'"]) }}))
        * cos(2.0 * pi() * {{ seeded_uniform(parts + ["'u2'"]) }})
    )
{%- endmacro %}
