{#- Benjamini–Hochberg (1995) q-values, as R's p.adjust(method = "BH"): q_(i) = min over j >= i of
    m·p_(j)/j, capped at 1, within each reporting period (ties in p ordered by county_fips). Returns every row
    of `relation` (with `reporting_period`, `county_fips` and `p_value`) with `q_value` added (null where the
    p-value is null; those rows do not count in m). -#}
{% macro benjamini_hochberg(relation) -%}
    select
        ranked.*,
        case
            when ranked.p_value is not null
                then least(
                    1.0,
                    min(ranked.p_value * ranked.bh_tests / ranked.bh_rank) over (
                        partition by reporting_period, ranked.p_value is null
                        order by ranked.p_value desc, ranked.bh_rank desc
                        rows between unbounded preceding and current row
                    )
                )
        end as q_value
    from (
        select
            *,
            row_number() over (
                partition by reporting_period, p_value is null
                order by p_value, county_fips
            ) as bh_rank,
            count(p_value) over (partition by reporting_period) as bh_tests
        from {{ relation }}
    ) as ranked
{%- endmacro %}
