-- What reviewers were told of each period, from the operator's record: every unit's rank and list membership in
-- the latest published version of the period, and in the version that was last sent to reviewers.
with

published as (
    select * from {{ ref('stg_history__published_scores') }}
),

sent as (
    select * from {{ ref('stg_history__sent_versions') }}
),

latest_published as (
    select
        reporting_period,
        max(published_version) as published_version
    from published
    group by reporting_period
),

latest_sent as (
    select
        reporting_period,
        arg_max(sent_version, sent_at) as sent_version,
        max(sent_at) as sent_at
    from sent
    group by reporting_period
),

published_units as (
    select
        published.unit_fips,
        published.reporting_period,
        published.published_version,
        published.published_at,
        published.anomaly_rank,
        published.review_rank,
        published.is_flagged
    from published
    inner join latest_published
        on
            published.reporting_period = latest_published.reporting_period
            and published.published_version = latest_published.published_version
),

sent_units as (
    select
        published.unit_fips,
        published.reporting_period,
        latest_sent.sent_version,
        latest_sent.sent_at,
        published.anomaly_rank,
        published.review_rank,
        published.is_flagged
    from published
    inner join latest_sent
        on
            published.reporting_period = latest_sent.reporting_period
            and published.published_version = latest_sent.sent_version
),

final as (
    select
        coalesce(published_units.unit_fips, sent_units.unit_fips) as unit_fips,
        coalesce(published_units.reporting_period, sent_units.reporting_period) as reporting_period,
        published_units.published_version,
        published_units.published_at,
        published_units.anomaly_rank as published_anomaly_rank,
        published_units.review_rank as published_review_rank,
        published_units.is_flagged as published_is_flagged,
        sent_units.sent_version,
        sent_units.sent_at,
        sent_units.anomaly_rank as sent_anomaly_rank,
        sent_units.review_rank as sent_review_rank,
        sent_units.is_flagged as sent_is_flagged
    from published_units
    full outer join sent_units
        on
            published_units.unit_fips = sent_units.unit_fips
            and published_units.reporting_period = sent_units.reporting_period
)

select * from final
