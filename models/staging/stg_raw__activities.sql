-- 代表活动: the current version of each key (activity_id, deputy_id); earlier versions stay in raw.
with current_rows as (
    {{ current_version('activities', ['activity_id', 'deputy_id']) }}
),

final as (
    select
        activity_id,
        deputy_id,
        organiser,
        group_id,
        activity_type,
        activity_date,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
