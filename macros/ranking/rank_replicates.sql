{#- How firm the rank is (METHODS.md "Step 2", part 6): `n_replicates` replicates of the period's ranking under
    sampling noise only. In each, every ranked statistic's stabilised value is drawn again, y* ~ Normal(y, s²),
    which moves its z by s/sqrt(s² + τ²) times a standard normal (τ², r_12 and the calibration stay fixed); the
    families, combined_p, the rank and the review list are then formed as in the published ranking
    (family_combination, anomaly_rank, review_list_policy), per replicate. The normals are seeded by `seed`, the
    unit, the statistic and the replicate (seeded_standard_normal): the same inputs and seed give the same figures
    on every run and thread count.
    `units` has one row per rankable unit and period: for each statistic prefix `<p>_z_score`, `<p>_is_ranked` and
    `<p>_noise_scale` (s/sqrt(s² + τ²)); `r_match_family`; `is_custody_explained`. Returns one row per unit, period
    and replicate with `anomaly_rank`, `review_rank`, `is_flagged`. -#}
{% macro rank_replicates(units, n_replicates, seed, custody_sites=none, review_list_size=none) -%}
    with replicates as (
        {{ replicate_numbers(n_replicates) }}
    ),

    drawn as (
        select
            units.county_fips,
            units.reporting_period,
            replicates.replicate,
            units.r_match_family,
            units.is_custody_explained,
            {%- for statistic in monitoring_statistics() %}
                {%- set p = statistic.prefix %}
                units.{{ p }}_is_ranked,
                case
                    when units.{{ p }}_is_ranked
                        then units.{{ p }}_z_score + units.{{ p }}_noise_scale * {{ seeded_standard_normal(
                            [seed ~ '', 'units.county_fips', "'" ~ statistic.number ~ "'", 'replicates.replicate']
                        ) }}
                end as {{ p }}_z_score{% if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ units }} as units
        cross join replicates
    ),

    combined as (
        {{ family_combination('drawn') }}
    ),

    ranked as (
        select
            *,
            {{ anomaly_rank('reporting_period, replicate') }} as anomaly_rank
        from combined
    )

    select
        county_fips,
        reporting_period,
        replicate,
        anomaly_rank,
        review_rank,
        is_flagged
    from (
        {{ review_list_policy(
            'ranked', partition_by='reporting_period, replicate', custody_sites=custody_sites,
            review_list_size=review_list_size
        ) }}
    ) as listed
{%- endmacro %}
