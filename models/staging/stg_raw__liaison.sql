-- 联系代表: the current version of each key (member_name, member_role, deputy_id, year); earlier versions stay in raw.
with current_rows as (
    {{ current_version('liaison', ['member_name', 'member_role', 'deputy_id', 'year']) }}
),

final as (
    select
        member_name,
        member_role,
        deputy_id,
        year,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
