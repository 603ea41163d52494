{#- Exact Poisson mid-p of an excess: P(X > O) + ½·P(X = O), X ~ Poisson(E). Summed on the side that does not
    cancel: the upper tail directly when O > E (truncated 400 terms past O, far beyond any mass when E < 20),
    otherwise one minus the lower tail. Null when E is null or not positive. Engine-specific (list lambdas). -#}
{% macro poisson_mid_p(observed, expected) -%}
    {{ return(adapter.dispatch('poisson_mid_p', 'sc_monitoring')(observed, expected)) }}
{%- endmacro %}

{% macro duckdb__poisson_mid_p(observed, expected) -%}
    case
        when {{ expected }} > 0 and {{ observed }} > {{ expected }}
            then
                0.5 * exp({{ observed }} * ln({{ expected }}) - {{ expected }} - lgamma({{ observed }} + 1))
                + coalesce(list_sum(list_transform(
                    range(cast({{ observed }} as bigint) + 1, cast({{ observed }} as bigint) + 401),
                    k -> exp(k * ln({{ expected }}) - {{ expected }} - lgamma(k + 1))
                )), 0.0)
        when {{ expected }} > 0
            then
                1.0
                - 0.5 * exp({{ observed }} * ln({{ expected }}) - {{ expected }} - lgamma({{ observed }} + 1))
                - coalesce(list_sum(list_transform(
                    range(0, cast({{ observed }} as bigint)),
                    k -> exp(k * ln({{ expected }}) - {{ expected }} - lgamma(k + 1))
                )), 0.0)
    end
{%- endmacro %}
