-- 联系记录: the current version of each key (member_name, deputy_id, contact_date, method); earlier versions stay in raw.
with current_rows as (
    {{ current_version('contacts', ['member_name', 'deputy_id', 'contact_date', 'method']) }}
),

final as (
    select
        member_name,
        deputy_id,
        contact_date,
        method,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
