{#- Φ(−|x|), the standard normal lower tail at minus the absolute value, to double precision
    (Hart 1968 as given by West 2005, "Better approximations to cumulative normal functions", Figure 2).
    DuckDB has no erf; the approximation keeps ~1e-13 relative accuracy far into the tail, where 1 − Φ(z)
    would cancel. `x` must be a column or a parenthesised expression: it is repeated. -#}
{% macro normal_lower_tail(x) -%}
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
            -- Laplace's continued fraction for the Mills ratio, 20 levels deep (Hart's 5 levels leave 1e-8
            -- relative error at |x| = 7; 20 levels reach double precision for |x| >= 7.07).
            exp(-({{ x }}) * ({{ x }}) / 2.0)
            / ({% for k in range(1, 21) %}abs({{ x }}) + {{ k }}.0 / ({% endfor %}abs({{ x }}){% for k in range(20) %}){% endfor %})
            / 2.5066282746310002
    end
{%- endmacro %}
