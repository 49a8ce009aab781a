-- Sessions, meetings observed, speeches, activities, receptions and trainings of a deputy per year
-- while serving, with their points (duty_score_weights): the part of deputy_profile that motions
-- and suggestions do not change (a suggestions file does not recount 1.5 M activity rows).
with congress_sessions as (
    select * from {{ ref('fct_congress_attendance') }}
),

attendance as (
    select * from {{ ref('fct_attendance') }}
    where has_known_deputy
),

activities as (
    select * from {{ ref('fct_activities') }}
    where has_known_deputy
),

receptions as (
    select * from {{ ref('fct_receptions') }}
    where has_known_deputy
),

trainings as (
    select * from {{ ref('fct_trainings') }}
    where has_known_deputy
),

-- Every countable thing a deputy did (or was expected at), as (deputy, day, component, quantity).
events as (
    select deputy_id, start_date as event_on, 'session_expected' as component, 1 as quantity
    from congress_sessions
    union all
    select deputy_id, start_date, case status
        when '出席' then 'session_attended'
        when '请假' then 'session_on_leave'
        when '缺席' then 'session_absent'
        else 'session_unrecorded'
    end, 1
    from congress_sessions
    union all
    select deputy_id, start_date, 'sc_observed', 1
    from attendance
    where meeting_type = '常委会会议' and role = '列席' and status = '出席'
    union all
    select deputy_id, start_date, 'speech', speeches
    from attendance
    where speeches > 0
    union all
    select deputy_id, activity_date, 'activity', 1
    from activities
    union all
    select deputy_id, reception_date, 'reception', 1
    from receptions
    union all
    select deputy_id, training_date, 'training', 1
    from trainings
),

{{ served_counts_per_year([
    ('session_expected', 'sessions_expected'), ('session_attended', 'sessions_attended'),
    ('session_on_leave', 'sessions_on_leave'), ('session_absent', 'sessions_absent'),
    ('session_unrecorded', 'sessions_unrecorded'), ('sc_observed', 'sc_meetings_observed'),
    ('speech', 'speeches'), ('activity', 'activities'), ('reception', 'receptions'), ('training', 'trainings'),
]) }}

select * from final
