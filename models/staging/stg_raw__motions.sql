-- 议案: the current version of each key (motion_id); earlier versions stay in raw.
with current_rows as (
    {{ current_version('motions', ['motion_id']) }}
),

final as (
    select
        motion_id,
        meeting_id,
        lead_deputy_id,
        cosigner_ids,
        title,
        submitted_on,
        decision,
        assigned_on,
        concluded_on,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
