-- 隔离记录：未通过校验而未入库的行，每条违反的规则一行（不含原始行内容，以免带出个人信息）。
with quarantine as (
    select * from {{ ref('stg_raw__quarantine') }}
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
        value,
        rule_id,
        message,
        loaded_at
    from quarantine
)

select * from final
