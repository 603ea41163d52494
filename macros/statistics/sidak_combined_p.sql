{#- Šidák's combination of J independent one-sided tests from the smallest p-value m (METHODS.md "Combining the
    statistics"): 1 − (1 − m)^J for J = 1 or 2, computed as m and m·(2 − m), never as 1 − (1 − m)², which cancels
    to nothing for small m. `n_tests` is J (0 gives null). -#}
{% macro sidak_combined_p(min_p, n_tests) -%}
    case
        when {{ n_tests }} = 1 then {{ min_p }}
        when {{ n_tests }} = 2 then {{ min_p }} * (2.0 - {{ min_p }})
    end
{%- endmacro %}
