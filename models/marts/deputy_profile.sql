-- 代表履职档案（第九十五条）: one row per deputy and year served (up to the as-of date). Only what the
-- deputy did while serving counts (between served_from and served_until), and the expected sessions
-- are those held while serving: a deputy elected mid-year or leaving office is measured over the
-- days served. duty_score = Σ weight × count, weights from the seed duty_score_weights.
with deputy_years as (
    select * from {{ ref('int_deputy_years') }}
),

deputies as (
    select * from {{ ref('int_deputy_terms') }}
),

weights as (
    select * from {{ ref('duty_score_weights') }}
),

congress_sessions as (
    select * from {{ ref('fct_congress_attendance') }}
),

attendance as (
    select * from {{ ref('fct_attendance') }}
    where has_known_deputy
),

signers as (
    select * from {{ ref('int_signers') }}
),

motions as (
    select * from {{ ref('fct_motions') }}
),

suggestions as (
    select * from {{ ref('fct_suggestions') }}
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
    select signers.deputy_id, motions.submitted_on,
        case when signers.signer_role = 'lead' then 'motion_led' else 'motion_cosigned' end, 1
    from signers
    inner join motions on signers.record_kind = 'motion' and signers.record_id = motions.motion_id
    union all
    select signers.deputy_id, suggestions.submitted_on,
        case when signers.signer_role = 'lead' then 'suggestion_led' else 'suggestion_cosigned' end, 1
    from signers
    inner join suggestions on signers.record_kind = 'suggestion' and signers.record_id = suggestions.suggestion_id
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

-- Only while serving (one roster row per deputy: an equi-join, then the serving test).
served_events as (
    select
        events.deputy_id,
        year(events.event_on) as year_number,
        events.component,
        events.quantity,
        events.quantity * coalesce(weights.weight, 0) as points
    from events
    inner join deputies on events.deputy_id = deputies.deputy_id
    left join weights on events.component = weights.component
    where {{ is_serving('events.event_on', 'deputies') }}
),

per_year as (
    select
        deputy_id,
        year_number,
        sum(case when component = 'session_expected' then quantity else 0 end) as sessions_expected,
        sum(case when component = 'session_attended' then quantity else 0 end) as sessions_attended,
        sum(case when component = 'session_on_leave' then quantity else 0 end) as sessions_on_leave,
        sum(case when component = 'session_absent' then quantity else 0 end) as sessions_absent,
        sum(case when component = 'session_unrecorded' then quantity else 0 end) as sessions_unrecorded,
        sum(case when component = 'sc_observed' then quantity else 0 end) as sc_meetings_observed,
        sum(case when component = 'speech' then quantity else 0 end) as speeches,
        sum(case when component = 'motion_led' then quantity else 0 end) as motions_led,
        sum(case when component = 'motion_cosigned' then quantity else 0 end) as motions_cosigned,
        sum(case when component = 'suggestion_led' then quantity else 0 end) as suggestions_led,
        sum(case when component = 'suggestion_cosigned' then quantity else 0 end) as suggestions_cosigned,
        sum(case when component = 'activity' then quantity else 0 end) as activities,
        sum(case when component = 'reception' then quantity else 0 end) as receptions,
        sum(case when component = 'training' then quantity else 0 end) as trainings,
        sum(points) as duty_score
    from served_events
    group by deputy_id, year_number
),

final as (
    select
        deputy_years.deputy_id,
        deputy_years.year_number,
        deputy_years.name,
        deputy_years.prefecture_code,
        deputy_years.county,
        deputy_years.level,
        deputy_years.congress_code,
        deputy_years.served_from,
        deputy_years.served_until,
        deputy_years.days_served,
        coalesce(per_year.sessions_expected, 0) as sessions_expected,
        coalesce(per_year.sessions_attended, 0) as sessions_attended,
        coalesce(per_year.sessions_on_leave, 0) as sessions_on_leave,
        coalesce(per_year.sessions_absent, 0) as sessions_absent,
        coalesce(per_year.sessions_unrecorded, 0) as sessions_unrecorded,
        {{ safe_rate('per_year.sessions_attended', 'per_year.sessions_expected') }} as session_attendance_rate,
        coalesce(per_year.sc_meetings_observed, 0) as sc_meetings_observed,
        coalesce(per_year.speeches, 0) as speeches,
        coalesce(per_year.motions_led, 0) as motions_led,
        coalesce(per_year.motions_cosigned, 0) as motions_cosigned,
        coalesce(per_year.suggestions_led, 0) as suggestions_led,
        coalesce(per_year.suggestions_cosigned, 0) as suggestions_cosigned,
        coalesce(per_year.activities, 0) as activities,
        coalesce(per_year.receptions, 0) as receptions,
        coalesce(per_year.trainings, 0) as trainings,
        cast(coalesce(per_year.duty_score, 0) as double) as duty_score,
        -- Points per 365 days served: comparable between a full year and part of one.
        cast(coalesce(per_year.duty_score, 0) as double) * 365 / deputy_years.days_served as duty_score_per_365_days,
        {{ as_of() }} as as_of
    from deputy_years
    left join per_year
        on deputy_years.deputy_id = per_year.deputy_id
        and deputy_years.year_number = per_year.year_number
)

select * from final
