-- Sensitivity (METHODS.md "Step 2", part 7): every unit's rank and list membership under each alternative way of
-- scoring, in the same build and through the same macros as the published ranking: a window of 1 quarter, a
-- minimum expected count of 10, the other ACS vintage where the data have one, τ² by the NHS/CQC convention, and
-- the custody policy `annotate`. The alternatives that share the τ² method are scored together, each in its own
-- group: a period's label carries the alternative ("2012Q3|window_1_quarter"), so calibration, τ², r_12 and the
-- ranks are those of each alternative alone.

with

inputs as (
    select * from {{ ref('int_statistic_inputs') }}
    where window_quarters = {{ var('window_quarters') }}
),

single_quarter_inputs as (
    select * from {{ ref('int_statistic_inputs') }}
    where window_quarters = 1
),

custody as (
    select * from {{ ref('int_unit_custody') }}
),

published_ranking as (
    select * from {{ ref('rpt_anomaly_ranking') }}
),

alternatives as (
    select
        'window_1_quarter' as alternative,
        'window of 1 quarter' as alternative_label
    union all
    select
        'min_expected_10' as alternative,
        'minimum expected count 10' as alternative_label
    union all
    select
        'other_acs_vintage' as alternative,
        'the other ACS vintage' as alternative_label
    union all
    select
        'tau2_dl_winsorized' as alternative,
        'between-county variance by the NHS/CQC convention' as alternative_label
),

alternative_inputs as (
    -- One group per alternative and period (alternative_period), with the alternative's foreign-born share and
    -- minimum expected count.
    select
        *,
        reporting_period || '|window_1_quarter' as alternative_period,
        {{ var('min_expected') }} as alternative_min_expected,
        foreign_born_share as alternative_foreign_born_share
    from single_quarter_inputs
    union all
    select
        *,
        reporting_period || '|min_expected_10' as alternative_period,
        10 as alternative_min_expected,
        foreign_born_share as alternative_foreign_born_share
    from inputs
    union all
    select
        *,
        reporting_period || '|other_acs_vintage' as alternative_period,
        {{ var('min_expected') }} as alternative_min_expected,
        other_vintage_foreign_born_share as alternative_foreign_born_share
    from inputs
),

dl_winsorized_inputs as (
    select
        *,
        reporting_period || '|tau2_dl_winsorized' as alternative_period,
        {{ var('min_expected') }} as alternative_min_expected
    from inputs
),

{#- One CTE per statistic: the alternatives that share the published τ² method, then NHS/CQC's. -#}
{%- for statistic, cte in [(1, 'match_rate'), (2, 'crime_adjusted'), (3, 'minor_share')] %}
    {{ cte }} as (
        select * from (
            {{ scored_statistic(
                statistic, 'alternative_inputs', 'alternative_foreign_born_share',
                min_expected='alternative_min_expected', carry=['alternative_min_expected'], for_ranking=true,
                period='alternative_period'
            ) }}
        ) as shared_method
        union all
        select * from (
            {{ scored_statistic(
                statistic, 'dl_winsorized_inputs', tau2_method='dl_winsorized', carry=['alternative_min_expected'],
                for_ranking=true, period='alternative_period'
            ) }}
        ) as dl_winsorized
    ),
{% endfor %}

alternative_custody as (
    select
        custody.unit_fips,
        custody.reporting_period || '|' || alternatives.alternative as reporting_period,
        custody.is_custody_explained
    from custody
    cross join alternatives
),

alternative_ranking as (
    {{ review_ranking(
        {'match_rate': 'match_rate', 'crime_adjusted': 'crime_adjusted', 'minor_share': 'minor_share'},
        'alternative_custody'
    ) }}
),

published_ranks as (
    select
        county_fips,
        reporting_period,
        combined_p,
        anomaly_rank,
        is_custody_explained
    from published_ranking
),

custody_annotate as (
    {{ review_list_policy('published_ranks', custody_sites='annotate') }}
),

alternative_ranks as (
    select
        published_ranking.county_fips,
        published_ranking.reporting_period,
        alternatives.alternative,
        alternatives.alternative_label,
        alternative_ranking.combined_p,
        alternative_ranking.anomaly_rank,
        alternative_ranking.review_rank,
        alternative_ranking.is_flagged
    from published_ranking
    cross join alternatives
    left join alternative_ranking
        on
            published_ranking.county_fips = alternative_ranking.county_fips
            and published_ranking.reporting_period || '|' || alternatives.alternative
            = alternative_ranking.reporting_period
    union all
    select
        county_fips,
        reporting_period,
        'custody_annotate' as alternative,
        'custody sites annotated on the list, not set apart' as alternative_label,
        combined_p,
        anomaly_rank,
        review_rank,
        is_flagged
    from custody_annotate
),

other_vintage_periods as (
    -- The other-vintage alternative exists in a period only where the data have a second ACS vintage.
    select
        reporting_period,
        bool_or(other_acs_vintage is not null) as has_other_acs_vintage
    from inputs
    group by reporting_period
),

final as (
    select
        alternative_ranks.county_fips,
        alternative_ranks.reporting_period,
        alternative_ranks.alternative,
        alternative_ranks.alternative_label,
        -- Every alternative exists in every period but the other ACS vintage, which needs a second vintage.
        alternative_ranks.alternative != 'other_acs_vintage'
        or coalesce(other_vintage_periods.has_other_acs_vintage, false) as is_available,
        alternative_ranks.combined_p,
        alternative_ranks.anomaly_rank,
        alternative_ranks.review_rank,
        coalesce(alternative_ranks.is_flagged, false) as is_flagged
    from alternative_ranks
    left join other_vintage_periods
        on alternative_ranks.reporting_period = other_vintage_periods.reporting_period
)

select * from final
