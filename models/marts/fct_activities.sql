-- 代表活动（闭会期间）: one row per activity and participating deputy, dated by the as-of date.
-- Collective group activity (第三十八条): organised by a 代表小组 and naming the group.
with activities as (
    select * from {{ ref('stg_raw__activities') }}
    where activity_date <= {{ as_of() }}
),

deputies as (
    select deputy_id, prefecture_code, congress_code from {{ ref('int_deputy_terms') }}
),

final as (
    select
        activities.activity_id,
        activities.deputy_id,
        activities.organiser,
        activities.group_id,
        activities.activity_type,
        activities.activity_date,
        activities.prefecture_code,
        deputies.prefecture_code as deputy_prefecture_code,
        deputies.congress_code,
        coalesce(activities.organiser = '代表小组' and activities.group_id is not null, false) as is_collective,
        deputies.deputy_id is not null as has_known_deputy,
        activities.source_file,
        activities.source_row_number
    from activities
    left join deputies on activities.deputy_id = deputies.deputy_id
)

select * from final
