{#- Φ(−|x|), the standard normal lower tail at minus the absolute value, to double precision
    (Hart 1968 as given by West 2005, "Better approximations to cumulative normal functions", Figure 2).
    DuckDB has no erf; the approximation keeps ~1e-13 relative accuracy far into the tail, where 1 − Φ(z)
    would cancel. `x` must be a column or a parenthesised expression: it is repeated. -#}
{% macro normal_lower_tail(x) -%}
    {%- set numerator = [
        (1, 13749310575), (3, 45831035250), (5, 41247931725), (7, 15713497800), (9, 3055402350),
        (11, 333316620), (13, 21366450), (15, 813960), (17, 17955), (19, 210), (21, 1)
    ] -%}
    {%- set denominator = [
        (0, 3715891200), (2, 27125492625), (4, 31335467625), (6, 13408094700), (8, 2775672900),
        (10, 314143830), (12, 20603310), (14, 796620), (16, 17748), (18, 209), (20, 1)
    ] -%}
    case
        when abs({{ x }}) > 37 then 0.0
        when abs({{ x }}) < 7.07106781186547
            then
                exp(-({{ x }}) * ({{ x }}) / 2.0)
                * ((((((0.0352624965998911 * abs({{ x }}) + 0.700383064443688) * abs({{ x }})
                + 6.37396220353165) * abs({{ x }}) + 33.912866078383) * abs({{ x }})
                + 112.079291497871) * abs({{ x }}) + 221.213596169931) * abs({{ x }})
                + 220.206867912376)
                / (((((((0.0883883476483184 * abs({{ x }}) + 1.75566716318264) * abs({{ x }})
                + 16.064177579207) * abs({{ x }}) + 86.7807322029461) * abs({{ x }})
                + 296.564248779674) * abs({{ x }}) + 637.333633378831) * abs({{ x }})
                + 793.826512519948) * abs({{ x }}) + 440.413735824752)
        else
            {#- Laplace's continued fraction for the Mills ratio, x + 1/(x + 2/(x + ... + 20/x)), 20 levels deep
                (Hart's 5 levels leave 1e-8 relative error at |x| = 7; 20 reach double precision from 7.07 on),
                expanded into the ratio of its two polynomials (integer coefficients by the convergent recurrence
                A_k = x·A_(k−1) + k·A_(k−2), B likewise) so the SQL stays flat. #}
            exp(-({{ x }}) * ({{ x }}) / 2.0)
            * ({% for power, coefficient in denominator %}{{ coefficient }}.0 * power(abs({{ x }}), {{ power }}){% if not loop.last %} + {% endif %}{% endfor %})
            / ({% for power, coefficient in numerator %}{{ coefficient }}.0 * power(abs({{ x }}), {{ power }}){% if not loop.last %} + {% endif %}{% endfor %})
            / 2.5066282746310002
    end
{%- endmacro %}
