-- 隔离区: one row per broken rule of a row that did not load. The raw row (row_json) stays in raw,
-- and a phone or ID-card value is masked here, so no personal data leaves the raw layer.
with quarantine as (
    select * from {{ source('raw', 'quarantine') }}
),

final as (
    select
        batch_id,
        source_file,
        sheet,
        kind,
        prefecture_code,
        row_number,
        column_name,
        header,
        -- ingest masks ID- and mobile-shaped text already (lvzhi/pii.py); mask_pii is the second lock
        case when column_name in ('phone', 'id_card_no') then '****' else {{ mask_pii('value') }} end as value,
        rule_id,
        {{ mask_pii('message') }} as message,
        loaded_at
    from quarantine
)

select * from final
