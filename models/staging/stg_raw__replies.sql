-- 答复记录: the current version of each key (suggestion_id, unit, reply_no); earlier versions stay in raw.
with current_rows as (
    {{ current_version('replies', ['suggestion_id', 'unit', 'reply_no']) }}
),

final as (
    select
        suggestion_id,
        unit,
        reply_no,
        reply_type,
        replied_on,
        reply_class,
        planned_year,
        consultation,
        result_satisfaction,
        attitude_satisfaction,
        feedback_on,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
