-- 会议: the current version of each key (meeting_id); earlier versions stay in raw.
with current_rows as (
    {{ current_version('meetings', ['meeting_id']) }}
),

final as (
    select
        meeting_id,
        meeting_type,
        congress_code,
        session_no,
        start_date,
        end_date,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
