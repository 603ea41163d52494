{#- Why a statistic that could not be scored did not enter the rank, in words (ineligible_reason_text); null when it
    is eligible (a statistic that is eligible but not ranked rests on synthetic inputs: flag_reasons says so for
    all of them at once). -#}
{% macro not_ranked_text(statistic) -%}
    {%- set p = statistic.prefix -%}
    case
        when not {{ p }}_is_eligible
            then concat('statistic {{ statistic.number }} ({{ statistic.name }}): ', {{ ineligible_reason_text(p) }})
    end
{%- endmacro %}
