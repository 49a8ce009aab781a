-- 代表履职档案（第九十五条）: one row per deputy and year served (up to the as-of date). Only what the
-- deputy did while serving counts (between served_from and served_until), and the expected sessions
-- are those held while serving: a deputy elected mid-year or leaving office is measured over the
-- days served. duty_score = Σ weight × count, weights from the seed duty_score_weights; the counts come from
-- int_deputy_year_duties and int_deputy_year_signatures (a suggestions file recounts only the latter).
with deputy_years as (
    select * from {{ ref('int_deputy_years') }}
),

duties as (
    select * from {{ ref('int_deputy_year_duties') }}
),

signatures as (
    select * from {{ ref('int_deputy_year_signatures') }}
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
        coalesce(duties.sessions_expected, 0) as sessions_expected,
        coalesce(duties.sessions_attended, 0) as sessions_attended,
        coalesce(duties.sessions_on_leave, 0) as sessions_on_leave,
        coalesce(duties.sessions_absent, 0) as sessions_absent,
        coalesce(duties.sessions_unrecorded, 0) as sessions_unrecorded,
        {{ safe_rate('duties.sessions_attended', 'duties.sessions_expected') }} as session_attendance_rate,
        coalesce(duties.sc_meetings_observed, 0) as sc_meetings_observed,
        coalesce(duties.speeches, 0) as speeches,
        coalesce(signatures.motions_led, 0) as motions_led,
        coalesce(signatures.motions_cosigned, 0) as motions_cosigned,
        coalesce(signatures.suggestions_led, 0) as suggestions_led,
        coalesce(signatures.suggestions_cosigned, 0) as suggestions_cosigned,
        coalesce(duties.activities, 0) as activities,
        coalesce(duties.receptions, 0) as receptions,
        coalesce(duties.trainings, 0) as trainings,
        cast(coalesce(duties.points, 0) + coalesce(signatures.points, 0) as double) as duty_score,
        -- Points per 365 days served: comparable between a full year and part of one.
        cast(coalesce(duties.points, 0) + coalesce(signatures.points, 0) as double) * 365 / deputy_years.days_served as duty_score_per_365_days,
        {{ as_of() }} as as_of
    from deputy_years
    left join duties
        on deputy_years.deputy_id = duties.deputy_id
        and deputy_years.year_number = duties.year_number
    left join signatures
        on deputy_years.deputy_id = signatures.deputy_id
        and deputy_years.year_number = signatures.year_number
)

select * from final
