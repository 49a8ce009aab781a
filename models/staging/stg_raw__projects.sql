-- 民生实事: the current version of each key (project_id); earlier versions stay in raw.
with current_rows as (
    {{ current_version('projects', ['project_id']) }}
),

final as (
    select
        project_id,
        level,
        name,
        voted_on,
        votes_for,
        votes_against,
        status,
        completed_on,
        satisfaction_rate,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
