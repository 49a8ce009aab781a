-- 人代会出席: one row per deputy expected at a people's congress session (serving on its first day,
-- member of that congress), with the recorded status; no record is 未登记 (counted as not attending).
with sessions as (
    select * from {{ ref('stg_raw__meetings') }}
    where meeting_type = '人民代表大会会议' and start_date <= {{ as_of() }}
),

deputies as (
    select * from {{ ref('int_deputy_terms') }}
),

attendance as (
    select meeting_id, deputy_id, status from {{ ref('stg_raw__attendance') }}
    where role = '出席'
),

expected as (
    select
        sessions.meeting_id,
        sessions.start_date,
        sessions.congress_code,
        deputies.deputy_id,
        deputies.prefecture_code,
        deputies.county
    from sessions
    inner join deputies
        on sessions.congress_code = deputies.congress_code
        and {{ is_serving('sessions.start_date', 'deputies') }}
),

final as (
    select
        expected.*,
        coalesce(attendance.status, '未登记') as status
    from expected
    left join attendance
        on expected.meeting_id = attendance.meeting_id
        and expected.deputy_id = attendance.deputy_id
)

select * from final
