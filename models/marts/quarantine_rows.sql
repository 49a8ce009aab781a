-- 隔离记录：未通过校验而未入库的行，每条违反的规则一行（不含原始行内容，以免带出个人信息）。
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
        case when column_name in ('phone', 'id_card_no') then '****' else {{ mask_pii('value') }} end as value,
        rule_id,
        {{ mask_pii('message') }} as message,
        loaded_at
    from quarantine
)

select * from final
