-- 导入批次: one row per ingested file (written by ingest itself, not from a kind's schema).
with batches as (
    select * from {{ source('raw', 'batches') }}
),

final as (
    select
        batch_id,
        source_file,
        sha256,
        prefecture_code,
        kinds,
        file_format,
        encoding,
        submitted_on,
        loaded_at,
        rows_read,
        rows_loaded,
        rows_quarantined,
        archive_path,
        period,
        full_replacement,
        ignored
    from batches
)

select * from final
