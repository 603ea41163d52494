with

source as (
    select * from {{ source('history', 'published_scores') }}
),

renamed as (
    select
        run_id,
        run_started_at,
        reporting_period,
        version as published_version,
        county_fips as unit_fips,
        anomaly_rank,
        is_flagged,
        combined_score
    from source
)

select * from renamed
