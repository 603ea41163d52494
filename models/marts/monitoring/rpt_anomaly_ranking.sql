-- The review list (METHODS.md "Combining the statistics", "Custody sites", "The review list"): per unit and
-- period, the ranked statistics combined in two families, the rank, the custody context, the list under the
-- custody_sites policy, the reasons in words and the list's memory.
{%- set statistics = monitoring_statistics() %}

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

custody as (
    select * from {{ ref('int_unit_custody') }}
),

recorded as (
    select * from {{ ref('int_recorded_review_lists') }}
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

ranking as (
    {{ review_ranking(
        {'match_rate': 'match_rate', 'crime_adjusted': 'crime_adjusted', 'minor_share': 'minor_share'},
        'custody'
    ) }}
),

listed as (
    select
        ranking.*,
        units.unit_name,
        units.state_abbrev,
        match_rate.member_counties,
        match_rate.is_selected_period,
        match_rate.window_start_date,
        match_rate.window_end_date,
        match_rate.counts_start_date,
        match_rate.counts_end_date,
        match_rate.matches_total,
        minor_share.minor_definition,
        minor_share.matches_known_level,
        minor_share.matches_unknown_level,
        crime_adjusted.ucr_coverage_indicator,
        custody.fiscal_year as custody_fiscal_year,
        custody.ice_detainee_adp,
        custody.ice_detainee_adp_per_10k,
        custody.ice_detention_facilities,
        custody.has_state_intake_centre,
        custody.state_intake_centres,
        custody.state_prison_capacity_per_10k,
        custody.custody_explanation
    from ranking
    inner join units
        on ranking.county_fips = units.unit_fips
    inner join match_rate
        on ranking.county_fips = match_rate.county_fips and ranking.reporting_period = match_rate.reporting_period
    inner join crime_adjusted
        on
            ranking.county_fips = crime_adjusted.county_fips
            and ranking.reporting_period = crime_adjusted.reporting_period
    inner join minor_share
        on ranking.county_fips = minor_share.county_fips and ranking.reporting_period = minor_share.reporting_period
    inner join custody
        on ranking.county_fips = custody.unit_fips and ranking.reporting_period = custody.reporting_period
),

with_synthetic as (
    select
        *,
        {%- for statistic in statistics %}
            cast({{ statistic.prefix }}_is_eligible as integer){% if not loop.last %} +{% endif %}
        {%- endfor %} as n_statistics_scored,
        {%- for statistic in statistics %}
            ({{ statistic.prefix }}_is_ranked and {{ statistic.prefix }}_uses_synthetic_inputs)
            {%- if not loop.last %} or {% endif %}
        {%- endfor %} as uses_synthetic_inputs,
        {%- for statistic in statistics %}
            ({{ statistic.prefix }}_is_eligible and {{ statistic.prefix }}_uses_synthetic_inputs)
            {%- if not loop.last %} or {% endif %}
        {%- endfor %} as shows_synthetic_statistics
    from listed
),

with_reasons as (
    select
        *,
        {%- for statistic in statistics %}
            {%- set p = statistic.prefix %}
            coalesce({{ p }}_is_ranked and {{ p }}_q_value < {{ var('fdr_level') }}, false)
            {%- if not loop.last %} or {% endif %}
        {%- endfor %} as is_significant,
        {{ flag_reasons() }} as flag_reasons
    from with_synthetic
),

with_history as (
    -- The list's memory: recomputed from this build's scores of earlier quarters, and as the operator's record has
    -- it (what the latest published and the last sent version of the previous quarter said; null before either).
    select
        with_reasons.*,
        periods.previous_reporting_period,
        previous.anomaly_rank as previous_anomaly_rank,
        previous.review_rank as previous_review_rank,
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
        recorded_previous.published_version as published_previous_version,
        recorded_previous.published_anomaly_rank as published_previous_anomaly_rank,
        recorded_previous.published_review_rank as published_previous_review_rank,
        recorded_previous.published_is_flagged as was_on_published_previous_list,
        recorded_previous.sent_version as sent_previous_version,
        recorded_previous.sent_anomaly_rank as sent_previous_anomaly_rank,
        recorded_previous.sent_review_rank as sent_previous_review_rank,
        recorded_previous.sent_is_flagged as was_on_sent_previous_list
    from with_reasons
    inner join periods
        on with_reasons.reporting_period = periods.reporting_period
    left join with_reasons as previous
        on
            with_reasons.county_fips = previous.county_fips
            and periods.previous_reporting_period = previous.reporting_period
    left join recorded as recorded_previous
        on
            with_reasons.county_fips = recorded_previous.unit_fips
            and periods.previous_reporting_period = recorded_previous.reporting_period
),

recorded_counts as (
    select
        with_reasons.county_fips,
        with_reasons.reporting_period,
        count(case when recorded.published_is_flagged then 1 end) as n_earlier_quarters_published_on_list,
        count(case when recorded.sent_is_flagged then 1 end) as n_earlier_quarters_sent_on_list
    from with_reasons
    inner join recorded
        on
            with_reasons.county_fips = recorded.unit_fips
            and with_reasons.reporting_period > recorded.reporting_period
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
        with_history.combined_p,
        with_history.combined_score,
        with_history.driving_family,
        with_history.ranked_statistics,
        with_history.anomaly_rank,
        with_history.review_rank,
        with_history.is_flagged,
        with_history.is_custody_explained,
        with_history.is_custody_explained_high,
        with_history.custody_explanation,
        with_history.is_significant,
        with_history.flag_reasons,
        with_history.n_families,
        with_history.match_family_z,
        with_history.match_family_p,
        with_history.minor_family_z,
        with_history.minor_family_p,
        with_history.r_match_family,
        {%- for statistic in statistics %}
            {%- set columns = [
                'z_score', 'p_value', 'q_value', 'ratio', 'observed', 'expected', 'is_eligible', 'is_ranked'
            ] %}
            {%- for column in columns %}
                with_history.{{ statistic.prefix }}_{{ column }},
            {%- endfor %}
        {%- endfor %}
        with_history.n_statistics_scored,
        with_history.uses_synthetic_inputs,
        with_history.shows_synthetic_statistics,
        with_history.custody_fiscal_year,
        with_history.ice_detainee_adp,
        with_history.ice_detainee_adp_per_10k,
        with_history.ice_detention_facilities,
        with_history.has_state_intake_centre,
        with_history.state_intake_centres,
        with_history.state_prison_capacity_per_10k,
        with_history.window_start_date,
        with_history.window_end_date,
        with_history.counts_start_date,
        with_history.counts_end_date,
        with_history.previous_reporting_period,
        with_history.previous_anomaly_rank,
        with_history.previous_review_rank,
        with_history.rank_change,
        with_history.n_earlier_quarters_flagged,
        with_history.is_new_on_list,
        with_history.published_previous_version,
        with_history.published_previous_anomaly_rank,
        with_history.published_previous_review_rank,
        with_history.was_on_published_previous_list,
        with_history.sent_previous_version,
        with_history.sent_previous_anomaly_rank,
        with_history.sent_previous_review_rank,
        with_history.was_on_sent_previous_list,
        coalesce(recorded_counts.n_earlier_quarters_published_on_list, 0) as n_earlier_quarters_published_on_list,
        coalesce(recorded_counts.n_earlier_quarters_sent_on_list, 0) as n_earlier_quarters_sent_on_list,
        unit_notes.analyst_notes
    from with_history
    left join recorded_counts
        on
            with_history.county_fips = recorded_counts.county_fips
            and with_history.reporting_period = recorded_counts.reporting_period
    left join unit_notes
        on with_history.county_fips = unit_notes.unit_fips
)

select * from final
