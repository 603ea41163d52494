{#- One statistic's part of flag_reasons, in words: its ratio, z and q when it points to an excess, or why it
    was not scored. `prefix` names the statistic's columns (`<prefix>_is_eligible`, `_z_score`, `_ratio`,
    `_q_value`, `_ineligible_reason`); null when the statistic is scored but not above expectation. -#}
{% macro statistic_reason(prefix, label) -%}
    case
        when {{ prefix }}_is_eligible and {{ prefix }}_z_score > 0
            then concat(
                '{{ label }}: ',
                {{ format_decimal(prefix ~ '_ratio', 2) }},
                'x expected (z ',
                {{ format_decimal(prefix ~ '_z_score', 2) }},
                ', q ',
                case
                    when {{ prefix }}_q_value < 0.001 then '< 0.001'
                    else {{ format_decimal(prefix ~ '_q_value', 3) }}
                end,
                ')'
            )
        when not {{ prefix }}_is_eligible
            then concat('{{ label }}: not scored (', {{ prefix }}_ineligible_reason, ')')
    end
{%- endmacro %}
