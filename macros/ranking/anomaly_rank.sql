{#- The rank of a unit within its period (METHODS.md "Combining the statistics"): ascending combined_p, ties broken
    by the larger driving-family z, then county_fips; over the units with at least one family ("rankable"), null
    for the others. `partition_by` is the period's key (the rank replicates add their replicate number). -#}
{% macro anomaly_rank(partition_by='reporting_period') -%}
    case
        when n_families >= 1
            then row_number() over (
                partition by {{ partition_by }}, n_families >= 1
                order by combined_p asc, driving_family_z desc, county_fips asc
            )
    end
{%- endmacro %}
