with

published as (
    select * from {{ ref('stg_history__published_scores') }}
),

latest_versions as (
    -- What analysts were last told for each period: the latest published version.
    select
        reporting_period,
        max(published_version) as published_version
    from published
    group by reporting_period
),

final as (
    select
        published.unit_fips,
        published.reporting_period,
        published.published_version,
        published.run_started_at as published_at,
        published.anomaly_rank,
        published.is_flagged
    from published
    inner join latest_versions
        on
            published.reporting_period = latest_versions.reporting_period
            and published.published_version = latest_versions.published_version
)

select * from final
