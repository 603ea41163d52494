{#- Benjamini–Hochberg (1995) q-values, as R's p.adjust(method = "BH"): q_(i) = min over j >= i of
    m·p_(j)/j, capped at 1, within each group. Returns every row of `relation` with `q_value` added (null where
    the p-value is null; those rows do not count in m). -#}
{% macro benjamini_hochberg(relation, p_column='p_value', partition_by=['reporting_period'], order_key='county_fips') -%}
    {%- set groups = partition_by | join(', ') -%}
    select
        ranked.*,
        case
            when ranked.{{ p_column }} is not null
                then least(
                    1.0,
                    min(ranked.{{ p_column }} * ranked.bh_tests / ranked.bh_rank) over (
                        partition by {{ groups }}, ranked.{{ p_column }} is null
                        order by ranked.{{ p_column }} desc, ranked.bh_rank desc
                        rows between unbounded preceding and current row
                    )
                )
        end as q_value
    from (
        select
            *,
            row_number() over (
                partition by {{ groups }}, {{ p_column }} is null
                order by {{ p_column }}, {{ order_key }}
            ) as bh_rank,
            count({{ p_column }}) over (partition by {{ groups }}) as bh_tests
        from {{ relation }}
    ) as ranked
{%- endmacro %}
