{#- One statistic's figure out of a relation with one row per statistic (`relation.statistic`), for the review
    packet's one row per unit: the value of `expression` on the row of `statistic` (an entry of
    monitoring_statistics()), as an aggregate over the unit's rows. -#}
{% macro statistic_figure(relation, statistic, expression) -%}
    max(case when {{ relation }}.statistic = {{ statistic.number }} then {{ expression }} end)
{%- endmacro %}
