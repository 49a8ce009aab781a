-- 出席列席: one row per recorded attendance at a meeting held by the as-of date, with the meeting's facts.
with attendance as (
    select * from {{ ref('stg_raw__attendance') }}
),

meetings as (
    select * from {{ ref('stg_raw__meetings') }}
    where start_date <= {{ as_of() }}
),

deputies as (
    select deputy_id, prefecture_code as deputy_prefecture_code from {{ ref('int_deputy_terms') }}
),

final as (
    select
        attendance.meeting_id,
        attendance.deputy_id,
        attendance.role,
        attendance.status,
        coalesce(attendance.speeches, 0) as speeches,
        meetings.meeting_type,
        meetings.congress_code,
        meetings.start_date,
        coalesce(meetings.prefecture_code, attendance.prefecture_code) as prefecture_code,
        deputies.deputy_id is not null as has_known_deputy,
        attendance.source_file,
        attendance.source_row_number
    from attendance
    inner join meetings on attendance.meeting_id = meetings.meeting_id
    left join deputies on attendance.deputy_id = deputies.deputy_id
)

select * from final
