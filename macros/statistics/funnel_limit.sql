{#- A funnel-plot control limit on the ratio scale, at a unit's own size, from the stabilised scale:
    target ± z·sqrt(s² + τ²) back-transformed. `transform` is 'sqrt_ratio' (statistics 1–2: y = sqrt(O/E),
    limit = (1 ± z·se)², floored at 0) or 'arcsine_share' (statistic 3: y = asin(sqrt(O/n)) − asin(sqrt(π)),
    share limit = sin²(asin(sqrt(π)) ± z·se) kept within [0, 1], divided by π to give a ratio). -#}
{% macro funnel_limit(transform, z, standard_error, expected_share=none) -%}
    {%- if transform == 'sqrt_ratio' -%}
        power(greatest(1.0 + ({{ z }}) * {{ standard_error }}, 0.0), 2)
    {%- elif transform == 'arcsine_share' -%}
        power(sin(least(greatest(
            asin(sqrt({{ expected_share }})) + ({{ z }}) * {{ standard_error }}, 0.0), pi() / 2
        )), 2) / {{ expected_share }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("funnel_limit: unknown transform '" ~ transform ~ "'") }}
    {%- endif -%}
{%- endmacro %}
