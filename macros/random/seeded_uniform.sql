{#- A pseudo-random uniform number in (0, 1) that is a pure function of `parts` (SQL expressions, e.g. the seed,
    the unit, the statistic, the replicate): the same inputs give the same number on every run and any number of
    threads. The 53 high bits of a 64-bit hash of the parts, centred in their cell. Engine-specific. -#}
{% macro seeded_uniform(parts) -%}
    {{ return(adapter.dispatch('seeded_uniform', 'sc_monitoring')(parts)) }}
{%- endmacro %}

{% macro default__seeded_uniform(parts) -%}
    ((pmod(xxhash64({{ parts | join(', ') }}), 9007199254740992) + 0.5) / 9007199254740992.0)
{%- endmacro %}

{% macro duckdb__seeded_uniform(parts) -%}
    ((cast(hash({{ parts | join(', ') }}) >> 11 as double) + 0.5) / 9007199254740992.0)
{%- endmacro %}
