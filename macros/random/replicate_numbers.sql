{#- A relation of the replicate numbers 1 .. n in a column `replicate`. Engine-specific. -#}
{% macro replicate_numbers(n) -%}
    {{ return(adapter.dispatch('replicate_numbers', 'sc_monitoring')(n)) }}
{%- endmacro %}

{% macro default__replicate_numbers(n) -%}
    select explode(sequence(1, {{ n }})) as replicate
{%- endmacro %}

{% macro duckdb__replicate_numbers(n) -%}
    select cast(range as integer) as replicate from range(1, {{ n }} + 1)
{%- endmacro %}
