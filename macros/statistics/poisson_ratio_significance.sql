{#- The plain-Poisson significance label of an observed count against its expected count, as Public Health
    England's indicator methods give it (PHEindicatormethods): the confidence interval of O, exact Poisson for
    O < 10 and Byar's approximation for O >= 10, at 99.8 % and 95 %, compared with E. Labels: 'High (0.001)',
    'Low (0.001)', 'High (0.025)', 'Low (0.025)', 'Not significant'. No overdispersion: it shows what a plain
    Poisson test would call significant, beside the overdispersion-adjusted z. -#}
{% macro poisson_ratio_significance(observed, expected) -%}
    {{ return(adapter.dispatch('poisson_ratio_significance', 'sc_monitoring')(observed, expected)) }}
{%- endmacro %}

{% macro default__poisson_ratio_significance(observed, expected) -%}
    {{ poisson_ratio_significance_expression(observed, expected) }}
{%- endmacro %}

{#- DuckDB holds it as a SQL macro of its own (create_sql_functions), so a call is written. -#}
{% macro duckdb__poisson_ratio_significance(observed, expected) -%}
    sc_poisson_ratio_significance({{ observed }}, {{ expected }})
{%- endmacro %}

{% macro poisson_ratio_significance_expression(observed, expected) -%}
    {#- Exact: the lower limit of O exceeds E iff P(X >= O | E) < α, and the upper limit falls below E iff
        P(X <= O | E) < α; with O < 10 both tails are finite sums of at most ten terms. -#}
    {%- set lower_tail_terms = [] -%}
    {%- set factorial = namespace(value=1) -%}
    {%- for k in range(10) -%}
        {%- if k > 0 %}{% set factorial.value = factorial.value * k %}{% endif -%}
        {%- do lower_tail_terms.append(
            'case when ' ~ k ~ ' <= {bound} then power(' ~ expected ~ ', ' ~ k ~ ') * exp(-' ~ expected ~ ') / '
            ~ factorial.value ~ ' else 0.0 end'
        ) -%}
    {%- endfor -%}
    {%- set p_at_most_observed = '(' ~ (lower_tail_terms | join(' + ')) | replace('{bound}', observed) ~ ')' -%}
    {%- set p_at_least_observed = '(1.0 - (' ~ (lower_tail_terms | join(' + ')) | replace('{bound}', observed ~ ' - 1') ~ '))' -%}
    {%- set levels = [('0.001', funnel_z('998')), ('0.025', funnel_z('95'))] -%}
    case
        when {{ expected }} is null or {{ observed }} is null then null
        when {{ observed }} < 10 then
            case
                {%- for alpha, z in levels %}
                    when {{ p_at_least_observed }} < {{ alpha }} then 'High ({{ alpha }})'
                    when {{ p_at_most_observed }} < {{ alpha }} then 'Low ({{ alpha }})'
                {%- endfor %}
                else 'Not significant'
            end
        else
            case
                {%- for alpha, z in levels %}
                    when {{ observed }} * power(1.0 - 1.0 / (9.0 * {{ observed }}) - {{ z }} / (3.0 * sqrt({{ observed }})), 3)
                        > {{ expected }} then 'High ({{ alpha }})'
                    when ({{ observed }} + 1) * power(
                        1.0 - 1.0 / (9.0 * ({{ observed }} + 1)) + {{ z }} / (3.0 * sqrt({{ observed }} + 1)), 3
                    ) < {{ expected }} then 'Low ({{ alpha }})'
                {%- endfor %}
                else 'Not significant'
            end
    end
{%- endmacro %}
