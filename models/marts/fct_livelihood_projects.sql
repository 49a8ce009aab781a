-- 民生实事: one row per project voted by the as-of date. Completed: status 已办结 and a completion
-- date not after the as-of date (a completion dated later has not happened yet; 已办结 without a
-- date counts as completed).
with projects as (
    select * from {{ ref('stg_raw__projects') }}
    where voted_on <= {{ as_of() }}
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
        case when completed_on <= {{ as_of() }} then completed_on end as completed_on,
        coalesce(status = '已办结' and (completed_on is null or completed_on <= {{ as_of() }}), false) as is_completed,
        satisfaction_rate,
        prefecture_code,
        source_file,
        source_row_number
    from projects
)

select * from final
