with

source as (
    select * from {{ history_table('sent_versions', [
        ('reporting_period', 'varchar'), ('version', 'integer'), ('sent_at', 'timestamp'), ('sent_by', 'varchar'),
        ('note', 'varchar'),
    ]) }}
),

renamed as (
    select
        reporting_period,
        version as sent_version,
        sent_at,
        sent_by,
        note as sent_note
    from source
)

select * from renamed
