{#- One ranked statistic in words (METHODS.md "The review list"): "N matches where about E were expected (R times)"
    and its strength: q < 0.001 "far beyond chance", q < 0.05 "beyond chance", otherwise "within what chance
    allows"; a statistic below expectation is said to be so. Null when the statistic is not ranked.
    `statistic` is an entry of monitoring_statistics(). -#}
{% macro statistic_sentence(statistic) -%}
    {%- set p = statistic.prefix -%}
    case
        when {{ p }}_is_ranked
            then concat(
                'Statistic {{ statistic.number }}, {{ statistic.name }}: ',
                {%- if statistic.number == 3 %}
                    {{ format_count(p ~ '_observed') }},
                    ' of ',
                    {{ format_count('matches_known_level') }},
                    ' matches with a known ICE level were for ',
                    case when minor_definition = 'level3' then 'Level 3' else 'Level 2 or 3' end,
                    ' offenses where about ',
                {%- else %}
                    {{ format_count(p ~ '_observed') }},
                    case when {{ p }}_observed = 1 then ' match' else ' matches' end,
                    ' where about ',
                {%- endif %}
                {{ format_amount(p ~ '_expected') }},
                ' were expected (',
                {{ format_ratio(p ~ '_ratio') }},
                ' times), ',
                case
                    when {{ p }}_ratio < 1 then 'below expectation'
                    when {{ p }}_q_value < 0.001 then 'far beyond chance'
                    when {{ p }}_q_value < 0.05 then 'beyond chance'
                    else 'within what chance allows'
                end,
                '.'
            )
    end
{%- endmacro %}
