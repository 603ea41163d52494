-- review_list_policy on ten literal units with a list of 3 (METHODS.md "Custody sites", var custody_sites):
-- anomaly ranks 1–9 and one unit that is not rankable; units ranked 1, 3 and 6 have a custody explanation.
--   separate: the list is the three best unexplained units (ranks 2, 4, 5 → review ranks 1, 2, 3); the explained
--             units ranked above the last listed one (rank 5) are marked high (ranks 1 and 3), rank 6 is not;
--   annotate: the list is the plain top 3 (ranks 1, 2, 3), review_rank = anomaly_rank, and the explained units on it
--             (ranks 1 and 3) are marked.
-- And with too few units to fill a list of 8 under separate (six unexplained rankable units), all six are listed,
-- the last at rank 9, so every ranked explained unit is marked.
with

units as (
    {%- set rows = [
        (1, true), (2, false), (3, true), (4, false), (5, false), (6, true), (7, false), (8, false), (9, false),
        (none, false),
    ] %}
    {%- for rank, explained in rows %}
        select
            'example' as reporting_period,
            'unit_{{ loop.index }}' as county_fips,
            cast({{ rank if rank is not none else 'null' }} as bigint) as anomaly_rank,
            {{ explained }} as is_custody_explained
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

separate as (
    {{ review_list_policy('units', custody_sites='separate', review_list_size=3) }}
),

annotate as (
    {{ review_list_policy('units', custody_sites='annotate', review_list_size=3) }}
),

separate_short as (
    {{ review_list_policy('units', custody_sites='separate', review_list_size=8) }}
),

expected as (
    {#- unit: (separate review_rank, flagged, high), (annotate flagged, high), separate_short high -#}
    {%- set expectations = [
        (none, false, true, true, true, true),
        (1, true, false, true, false, false),
        (none, false, true, true, true, true),
        (2, true, false, false, false, false),
        (3, true, false, false, false, false),
        (none, false, false, false, false, true),
        (4, false, false, false, false, false),
        (5, false, false, false, false, false),
        (6, false, false, false, false, false),
        (none, false, false, false, false, false),
    ] %}
    {%- for review_rank, flagged, high, annotate_flagged, annotate_high, short_high in expectations %}
        select
            'unit_{{ loop.index }}' as county_fips,
            cast({{ review_rank if review_rank is not none else 'null' }} as bigint) as separate_review_rank,
            {{ flagged }} as separate_flagged,
            {{ high }} as separate_high,
            {{ annotate_flagged }} as annotate_flagged,
            {{ annotate_high }} as annotate_high,
            {{ short_high }} as separate_short_high
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    expected.county_fips,
    separate.review_rank,
    separate.is_flagged,
    separate.is_custody_explained_high,
    annotate.review_rank as annotate_review_rank,
    annotate.is_flagged as annotate_is_flagged,
    annotate.is_custody_explained_high as annotate_is_custody_explained_high,
    separate_short.is_custody_explained_high as short_is_custody_explained_high
from expected
inner join separate on expected.county_fips = separate.county_fips
inner join annotate on expected.county_fips = annotate.county_fips
inner join separate_short on expected.county_fips = separate_short.county_fips
where
    coalesce(separate.review_rank, 0) != coalesce(expected.separate_review_rank, 0)
    or separate.is_flagged != expected.separate_flagged
    or separate.is_custody_explained_high != expected.separate_high
    or coalesce(annotate.review_rank, 0) != coalesce(annotate.anomaly_rank, 0)
    or annotate.is_flagged != expected.annotate_flagged
    or annotate.is_custody_explained_high != expected.annotate_high
    or separate_short.is_custody_explained_high != expected.separate_short_high
