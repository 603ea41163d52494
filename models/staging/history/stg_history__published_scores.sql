with

source as (
    select * from {{ history_table('published_scores', [
        ('run_id', 'varchar'), ('run_started_at', 'timestamp'), ('reporting_period', 'varchar'),
        ('version', 'integer'), ('county_fips', 'varchar'), ('anomaly_rank', 'bigint'), ('review_rank', 'bigint'),
        ('is_flagged', 'boolean'), ('combined_score', 'double'),
    ]) }}
),

renamed as (
    select
        run_id,
        run_started_at as published_at,
        reporting_period,
        version as published_version,
        county_fips as unit_fips,
        anomaly_rank,
        review_rank,
        is_flagged,
        combined_score
    from source
)

select * from renamed
