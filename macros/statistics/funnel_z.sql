{#- The two-sided normal quantiles of the funnel limits (METHODS.md "Scores", step 5), one place for every model,
    test and figure: Φ⁻¹(0.975) for the 95 % limits and Φ⁻¹(0.999) for the 99.8 % limits. -#}
{% macro funnel_z(level) -%}
    {%- set quantiles = {'95': 1.959963984540054, '998': 3.090232306167813} -%}
    {%- if level not in quantiles -%}
        {{ exceptions.raise_compiler_error("funnel_z: level must be '95' or '998', got '" ~ level ~ "'") }}
    {%- endif -%}
    {{ return(quantiles[level]) }}
{%- endmacro %}
