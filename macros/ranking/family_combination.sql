{#- The two families and their combination (METHODS.md "Combining the statistics: two families, the stronger one
    decides"), per unit and period, over the statistics that are ranked (`<prefix>_is_ranked`):
      match family  z_M = Stouffer of statistics 1 and 2 with their correlation `r_match_family`;
      minor family  z_m = z of statistic 3;
      p_j = 1 − Φ(z_j); J = number of families present; m = the smaller p;
      combined_p = m when J = 1, m·(2 − m) when J = 2 (Šidák); combined_score = −log10(combined_p), from ln p so
      that it stays finite where p underflows; driving_family = the family with the smaller p (the larger z;
      ties `match`); ranked_statistics = which statistics entered, e.g. `1` or `1,2,3` (null when none).
    `relation` has one row per unit and period with `match_rate_z_score`, `crime_adjusted_z_score`,
    `minor_share_z_score`, their `_is_ranked` and `r_match_family`. Returns its rows with the columns above plus
    `match_family_z`, `match_family_p`, `minor_family_z`, `minor_family_p`, `n_families`, `driving_family_z`. -#}
{% macro family_combination(relation) -%}
    with family_scores as (
        select
            *,
            {{ stouffer_combined_score(
                'case when match_rate_is_ranked then match_rate_z_score end',
                'case when crime_adjusted_is_ranked then crime_adjusted_z_score end',
                'r_match_family'
            ) }} as match_family_z,
            case when minor_share_is_ranked then minor_share_z_score end as minor_family_z
        from {{ relation }}
    ),

    driving as (
        select
            *,
            case when match_family_z is not null then 1 else 0 end
            + case when minor_family_z is not null then 1 else 0 end as n_families,
            case
                when match_family_z is not null and (minor_family_z is null or match_family_z >= minor_family_z)
                    then 'match'
                when minor_family_z is not null then 'minor'
            end as driving_family
        from family_scores
    ),

    driving_scores as (
        select
            *,
            case driving_family when 'match' then match_family_z when 'minor' then minor_family_z end
                as driving_family_z
        from driving
    ),

    with_p as (
        select
            *,
            {{ normal_upper_tail('match_family_z') }} as match_family_p,
            {{ normal_upper_tail('minor_family_z') }} as minor_family_p,
            {{ normal_upper_tail('driving_family_z') }} as driving_family_p,
            {{ normal_log_upper_tail('driving_family_z') }} as driving_family_log_p
        from driving_scores
    )

    select
        *,
        {{ sidak_combined_p('driving_family_p', 'n_families') }} as combined_p,
        -(
            driving_family_log_p
            + case when n_families = 2 then ln(2.0 - driving_family_p) else 0.0 end
        ) / ln(10.0) as combined_score,
        nullif(concat_ws(
            ',',
            case when match_rate_is_ranked then '1' end,
            case when crime_adjusted_is_ranked then '2' end,
            case when minor_share_is_ranked then '3' end
        ), '') as ranked_statistics
    from with_p
{%- endmacro %}
