{#- Fails on every row where the boolean expression is false (rows where it is null pass only if
    `null_passes`, so a missing input cannot hide a broken rule). -#}
{% test expression_is_true(model, expression, null_passes=false) %}

    select *
    from {{ model }}
    where
        {%- if null_passes %}
            not coalesce({{ expression }}, true)
        {%- else %}
            not coalesce({{ expression }}, false)
        {%- endif %}

{% endtest %}
