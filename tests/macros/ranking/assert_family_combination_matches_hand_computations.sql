-- family_combination, anomaly_rank and sidak_combined_p on literal units, against values computed by hand with
-- mpmath at 40 digits (METHODS.md "Combining the statistics: two families, the stronger one decides"):
--   one_statistic     statistic 1 alone, z = 2: combined_p = its own p = Φ(−2) = 0.0227501319481792072;
--   match_family      statistics 1 and 2, z = 3 and 3, r = 0.5: z_M = 6/√3, p = 0.00026600275256962484964;
--   weak_minor        z_1 = 3 and z_3 = −5: J = 2, m = Φ(−3), combined_p = m(2 − m) = 0.0026979738385643902496;
--   zero_minor        z_1 = 3 and z_3 = 0: the same combined_p (only the number of families counts);
--   minor_drives      z_1 = 1 and z_3 = 2.5: the minor family drives, m(2 − m) = 0.012380770708094123899;
--   synthetic_high    z_1 = 3 and an unranked (synthetic) z_2 = 10: combined_p = Φ(−3) = 0.0013498980316300945267;
--   synthetic_low     z_1 = 3 and an unranked z_2 = −10: the same;
--   tiny_p            z_1 = z_3 = 7.0344838253011319298 (p = 1e-12): combined_p = 1.999999999999e-12 and
--                     combined_score = −log10 of it = 11.698970004336236615 (at the double nearest that z), which
--                     1 − (1 − m)² would get wrong in the fourth digit;
--   underflow         z_1 = 40: p underflows double precision, combined_score = 349.43700645934584209;
--   nothing_ranked    no ranked statistic: no family, no rank.
-- Ranks: ascending combined_p, ties by the larger family z, then county_fips: underflow 1, tiny_p 2, match_family 3,
-- synthetic_high 4 and synthetic_low 5 (a tie), weak_minor 6 and zero_minor 7 (a tie), minor_drives 8,
-- one_statistic 9.
with

units as (
    {%- set rows = [
        ('one_statistic', 2.0, true, none, false, none, false, 0.0),
        ('match_family', 3.0, true, 3.0, true, none, false, 0.5),
        ('weak_minor', 3.0, true, none, false, -5.0, true, 0.0),
        ('zero_minor', 3.0, true, none, false, 0.0, true, 0.0),
        ('minor_drives', 1.0, true, none, false, 2.5, true, 0.0),
        ('synthetic_high', 3.0, true, 10.0, false, none, false, 0.0),
        ('synthetic_low', 3.0, true, -10.0, false, none, false, 0.0),
        ('tiny_p', 7.0344838253011319298, true, none, false, 7.0344838253011319298, true, 0.0),
        ('underflow', 40.0, true, none, false, none, false, 0.0),
        ('nothing_ranked', 1.0, false, 5.0, false, none, false, 0.0),
    ] %}
    {%- for name, z1, ranked1, z2, ranked2, z3, ranked3, r in rows %}
        select
            'example' as reporting_period,
            '{{ name }}' as county_fips,
            cast({{ z1 if z1 is not none else 'null' }} as double) as match_rate_z_score,
            {{ ranked1 }} as match_rate_is_ranked,
            cast({{ z2 if z2 is not none else 'null' }} as double) as crime_adjusted_z_score,
            {{ ranked2 }} as crime_adjusted_is_ranked,
            cast({{ z3 if z3 is not none else 'null' }} as double) as minor_share_z_score,
            {{ ranked3 }} as minor_share_is_ranked,
            cast({{ r }} as double) as r_match_family
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

combined as (
    {{ family_combination('units') }}
),

ranked as (
    select
        *,
        {{ anomaly_rank() }} as anomaly_rank
    from combined
),

expected as (
    {%- set expectations = [
        ('one_statistic', '0.0227501319481792072', 1, 'match', '1', 9),
        ('match_family', '0.00026600275256962484964', 1, 'match', '1,2', 3),
        ('weak_minor', '0.0026979738385643902496', 2, 'match', '1,3', 6),
        ('zero_minor', '0.0026979738385643902496', 2, 'match', '1,3', 7),
        ('minor_drives', '0.012380770708094123899', 2, 'minor', '1,3', 8),
        ('synthetic_high', '0.0013498980316300945267', 1, 'match', '1', 4),
        ('synthetic_low', '0.0013498980316300945267', 1, 'match', '1', 5),
        ('tiny_p', '1.999999999999e-12', 2, 'match', '1,3', 2),
        ('underflow', '0', 1, 'match', '1', 1),
        ('nothing_ranked', 'null', 0, none, none, none),
    ] %}
    {%- for name, p, families, driving, statistics, rank in expectations %}
        select
            '{{ name }}' as county_fips,
            cast({{ p }} as double) as expected_combined_p,
            {{ families }} as expected_n_families,
            {{ "'" ~ driving ~ "'" if driving else 'null' }} as expected_driving_family,
            {{ "'" ~ statistics ~ "'" if statistics else 'null' }} as expected_ranked_statistics,
            cast({{ rank if rank is not none else 'null' }} as bigint) as expected_anomaly_rank
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    ranked.county_fips,
    ranked.combined_p,
    expected.expected_combined_p,
    ranked.combined_score,
    ranked.n_families,
    ranked.driving_family,
    ranked.ranked_statistics,
    ranked.anomaly_rank
from ranked
inner join expected
    on ranked.county_fips = expected.county_fips
where
    not coalesce(
        abs(ranked.combined_p - expected.expected_combined_p) <= 1e-13 * expected.expected_combined_p
        or (ranked.combined_p = 0 and expected.expected_combined_p = 0),
        ranked.combined_p is null and expected.expected_combined_p is null
    )
    or ranked.n_families != expected.expected_n_families
    or coalesce(ranked.driving_family, '-') != coalesce(expected.expected_driving_family, '-')
    or coalesce(ranked.ranked_statistics, '-') != coalesce(expected.expected_ranked_statistics, '-')
    or (ranked.county_fips = 'underflow' and abs(ranked.combined_score - 349.43700645934584209) > 1e-9)
    or (ranked.county_fips = 'tiny_p' and abs(ranked.combined_score - 11.698970004336236615) > 1e-12)
    or coalesce(ranked.anomaly_rank, 0) != coalesce(expected.expected_anomaly_rank, 0)
    or (ranked.county_fips = 'weak_minor' and ranked.combined_p != (
        select zero_minor.combined_p from ranked as zero_minor
        where zero_minor.county_fips = 'zero_minor'
    ))
