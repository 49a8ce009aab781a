-- 出席列席: the current version of each key (meeting_id, deputy_id); earlier versions stay in raw.
with current_rows as (
    {{ current_version('attendance', ['meeting_id', 'deputy_id']) }}
),

final as (
    select
        meeting_id,
        deputy_id,
        role,
        status,
        speeches,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
