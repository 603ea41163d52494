{#- Correlation-adjusted Stouffer combination (METHODS.md "The review list"):
    Σ z_k / sqrt(K + 2·Σ_{k<l} r_kl) over the statistics a unit is eligible for (z not null), where r_kl is the
    correlation of z_k and z_l over the units eligible for both (a column or expression per pair, null read as 0).
    `z_columns` is a list of z columns; `correlations` a dict from 'i_j' (0-based, i < j) to the r expression. -#}
{% macro stouffer_combined_score(z_columns, correlations) -%}
    {%- set terms = [] -%}
    {%- for i in range(z_columns | length) -%}
        {%- for j in range(i + 1, z_columns | length) -%}
            {%- do terms.append(
                'case when ' ~ z_columns[i] ~ ' is not null and ' ~ z_columns[j] ~ ' is not null then coalesce('
                ~ correlations[i ~ '_' ~ j] ~ ', 0.0) else 0.0 end'
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    (
        {% for z in z_columns %}coalesce({{ z }}, 0.0){% if not loop.last %} + {% endif %}{% endfor %}
    ) / sqrt(greatest(
        {% for z in z_columns %}(case when {{ z }} is not null then 1 else 0 end){% if not loop.last %} + {% endif %}{% endfor %}
        + 2.0 * ({{ terms | join(' + ') }}),
        1e-9
    ))
{%- endmacro %}
