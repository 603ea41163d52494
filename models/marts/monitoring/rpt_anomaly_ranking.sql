-- The review list: the three statistics combined per unit and period, ranked, with reasons in words.
with

match_rate as (
    select * from {{ ref('fct_match_rate') }}
),

crime_adjusted as (
    select * from {{ ref('fct_crime_adjusted_matches') }}
),

minor_share as (
    select * from {{ ref('fct_minor_offense_share') }}
),

units as (
    select * from {{ ref('int_reporting_units') }}
),

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

published as (
    select * from {{ ref('int_published_review_lists') }}
),

notes as (
    select * from {{ ref('stg_analyst__notes') }}
),

unit_notes as (
    {%- set note_text = "concat(note, ' (', note_source, ', ', cast(noted_on as " ~ dbt.type_string() ~ "), ')')" %}
    select
        unit_fips,
        {{ ordered_list_text(note_text, '; ') }} as analyst_notes
    from notes
    group by unit_fips
),

joined as (
    select
        match_rate.county_fips,
        units.unit_name,
        units.state_abbrev,
        match_rate.member_counties,
        match_rate.reporting_period,
        match_rate.is_selected_period,
        match_rate.z_score as match_rate_z_score,
        match_rate.ratio as match_rate_ratio,
        match_rate.q_value as match_rate_q_value,
        match_rate.is_eligible as match_rate_is_eligible,
        match_rate.ineligible_reason as match_rate_ineligible_reason,
        crime_adjusted.z_score as crime_adjusted_z_score,
        crime_adjusted.ratio as crime_adjusted_ratio,
        crime_adjusted.q_value as crime_adjusted_q_value,
        crime_adjusted.is_eligible as crime_adjusted_is_eligible,
        crime_adjusted.ineligible_reason as crime_adjusted_ineligible_reason,
        minor_share.z_score as minor_share_z_score,
        minor_share.ratio as minor_share_ratio,
        minor_share.q_value as minor_share_q_value,
        minor_share.is_eligible as minor_share_is_eligible,
        minor_share.ineligible_reason as minor_share_ineligible_reason,
        minor_share.minor_definition,
        minor_share.matches_unknown_level,
        match_rate.matches_total,
        crime_adjusted.ucr_coverage_indicator,
        crime_adjusted.ucr_is_synthetic,
        match_rate.is_significant or crime_adjusted.is_significant or minor_share.is_significant as is_significant
    from match_rate
    inner join crime_adjusted
        on
            match_rate.county_fips = crime_adjusted.county_fips
            and match_rate.reporting_period = crime_adjusted.reporting_period
    inner join minor_share
        on
            match_rate.county_fips = minor_share.county_fips
            and match_rate.reporting_period = minor_share.reporting_period
    inner join units
        on match_rate.county_fips = units.unit_fips
),

correlations as (
    -- corr() skips pairs with a null, so each r is over the units eligible for both statistics.
    select
        reporting_period,
        corr(match_rate_z_score, crime_adjusted_z_score) as r_match_rate_crime_adjusted,
        corr(match_rate_z_score, minor_share_z_score) as r_match_rate_minor_share,
        corr(crime_adjusted_z_score, minor_share_z_score) as r_crime_adjusted_minor_share
    from joined
    group by reporting_period
),

combined as (
    select
        joined.*,
        correlations.r_match_rate_crime_adjusted,
        correlations.r_match_rate_minor_share,
        correlations.r_crime_adjusted_minor_share,
        cast(joined.match_rate_is_eligible as integer)
        + cast(joined.crime_adjusted_is_eligible as integer)
        + cast(joined.minor_share_is_eligible as integer) as n_statistics_scored,
        {{ stouffer_combined_score(
            ['joined.match_rate_z_score', 'joined.crime_adjusted_z_score', 'joined.minor_share_z_score'],
            {
                '0_1': 'correlations.r_match_rate_crime_adjusted',
                '0_2': 'correlations.r_match_rate_minor_share',
                '1_2': 'correlations.r_crime_adjusted_minor_share',
            }
        ) }} as stouffer_score
    from joined
    inner join correlations
        on joined.reporting_period = correlations.reporting_period
),

ranked as (
    select
        *,
        case when n_statistics_scored >= 1 then stouffer_score end as combined_score,
        case
            when n_statistics_scored >= 1
                then row_number() over (
                    partition by reporting_period, n_statistics_scored >= 1
                    order by stouffer_score desc, county_fips asc
                )
        end as anomaly_rank
    from combined
),

with_reasons as (
    select
        *,
        coalesce(anomaly_rank <= {{ var('review_list_size') }}, false) as is_flagged,
        concat_ws(
            '; ',
            {{ statistic_reason('match_rate', 'match rate vs foreign-born share') }},
            {{ statistic_reason('crime_adjusted', 'matches vs UCR arrests x foreign-born share') }},
            {{ statistic_reason('minor_share', 'less-serious share of matches vs UCR') }},
            case
                when ucr_is_synthetic and (crime_adjusted_is_eligible or minor_share_is_eligible)
                    then 'UCR inputs are a synthetic placeholder: statistics 2 and 3 are a demonstration, not findings'
            end,
            case
                when matches_unknown_level > 0
                    then concat(
                        {{ format_decimal('100.0 * matches_unknown_level / matches_total', 0) }},
                        '% of matches have no ICE level'
                    )
            end,
            case
                when minor_definition = 'level2_3'
                    then 'less-serious means Levels 2 and 3 together (Level 3 not published separately)'
            end
        ) as flag_reasons
    from ranked
),

with_history as (
    -- The list's memory: recomputed from this build's scores of earlier quarters, and as published (what
    -- analysts were told, from the history record; null before anything was published).
    select
        with_reasons.*,
        periods.previous_reporting_period,
        previous.anomaly_rank as previous_anomaly_rank,
        previous.anomaly_rank - with_reasons.anomaly_rank as rank_change,
        count(case when with_reasons.is_flagged then 1 end) over (
            partition by with_reasons.county_fips
            order by with_reasons.reporting_period asc
            rows between unbounded preceding and 1 preceding
        ) as n_earlier_quarters_flagged,
        -- Null when the previous quarter is not in the data (every unit has a row in every period that is).
        case
            when previous.county_fips is not null then with_reasons.is_flagged and not previous.is_flagged
        end as is_new_on_list,
        published_previous.anomaly_rank as published_previous_anomaly_rank,
        published_previous.is_flagged as was_on_published_previous_list
    from with_reasons
    inner join periods
        on with_reasons.reporting_period = periods.reporting_period
    left join with_reasons as previous
        on
            with_reasons.county_fips = previous.county_fips
            and periods.previous_reporting_period = previous.reporting_period
    left join published as published_previous
        on
            with_reasons.county_fips = published_previous.unit_fips
            and periods.previous_reporting_period = published_previous.reporting_period
),

published_counts as (
    select
        with_reasons.county_fips,
        with_reasons.reporting_period,
        count(*) as n_earlier_quarters_published_on_list
    from with_reasons
    inner join published
        on
            with_reasons.county_fips = published.unit_fips
            and with_reasons.reporting_period > published.reporting_period
            and published.is_flagged
    group by with_reasons.county_fips, with_reasons.reporting_period
),

final as (
    select
        with_history.county_fips,
        with_history.unit_name,
        with_history.state_abbrev,
        with_history.member_counties,
        with_history.reporting_period,
        with_history.is_selected_period,
        with_history.combined_score,
        with_history.anomaly_rank,
        with_history.is_flagged,
        with_history.is_significant,
        with_history.n_statistics_scored,
        with_history.match_rate_z_score,
        with_history.match_rate_is_eligible,
        with_history.crime_adjusted_z_score,
        with_history.crime_adjusted_is_eligible,
        with_history.minor_share_z_score,
        with_history.minor_share_is_eligible,
        with_history.match_rate_ratio,
        with_history.crime_adjusted_ratio,
        with_history.minor_share_ratio,
        with_history.match_rate_q_value,
        with_history.crime_adjusted_q_value,
        with_history.minor_share_q_value,
        with_history.r_match_rate_crime_adjusted,
        with_history.r_match_rate_minor_share,
        with_history.r_crime_adjusted_minor_share,
        with_history.ucr_is_synthetic as uses_synthetic_inputs,
        with_history.flag_reasons,
        with_history.previous_reporting_period,
        with_history.previous_anomaly_rank,
        with_history.rank_change,
        with_history.n_earlier_quarters_flagged,
        with_history.is_new_on_list,
        with_history.published_previous_anomaly_rank,
        with_history.was_on_published_previous_list,
        coalesce(published_counts.n_earlier_quarters_published_on_list, 0) as n_earlier_quarters_published_on_list,
        unit_notes.analyst_notes
    from with_history
    left join published_counts
        on
            with_history.county_fips = published_counts.county_fips
            and with_history.reporting_period = published_counts.reporting_period
    left join unit_notes
        on with_history.county_fips = unit_notes.unit_fips
)

select * from final
