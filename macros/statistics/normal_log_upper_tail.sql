{#- ln(1 − Φ(x)), the natural log of the one-sided p-value of an excess, finite however far out x is (p itself
    underflows to 0 beyond x ≈ 38.5): ln of normal_upper_tail up to x = 37, then the asymptotic expansion
    ln Φ(−x) = −x²/2 − ln x − ½ln(2π) + ln(1 − 1/x² + 3/x⁴ − 15/x⁶ + 105/x⁸), whose first omitted term is below
    3e-13 from x = 37 on. `x` must be a column or a parenthesised expression: it is repeated. -#}
{% macro normal_log_upper_tail(x) -%}
    case
        when {{ x }} <= 37 then ln({{ normal_upper_tail(x) }})
        else
            -({{ x }}) * ({{ x }}) / 2.0 - ln({{ x }}) - 0.918938533204672742
            + ln(
                1.0 - 1.0 / power({{ x }}, 2) + 3.0 / power({{ x }}, 4) - 15.0 / power({{ x }}, 6)
                + 105.0 / power({{ x }}, 8)
            )
    end
{%- endmacro %}
