-- 会议出席与列席指标.
with sessions_expected as (
    select * from {{ ref('fct_congress_attendance') }}
),

attendance as (
    select * from {{ ref('fct_attendance') }}
    where has_known_deputy
),

deputies as (
    select * from {{ ref('int_deputy_terms') }}
    where has_standing_committee
),

grid as (
    {{ scope_period_grid() }}
),

-- 人代会出席率: 出席 / deputies expected (serving on the session's first day).
expected_scoped as (
    {{ in_region_and_prefecture('sessions_expected') }}
),

attendance_counts as (
    select
        grid.scope_level, grid.scope_code, grid.period_type, grid.period_label, grid.period_start, grid.period_end,
        count(expected_scoped.deputy_id) as expected,
        count(case when expected_scoped.status = '出席' then 1 end) as attended
    from grid
    left join expected_scoped
        on grid.scope_level = expected_scoped.scope_level
        and grid.scope_code = expected_scoped.scope_code
        and expected_scoped.start_date between grid.period_start and grid.period_end
    group by 1, 2, 3, 4, 5, 6
),

-- 列席常委会: observers who were there (role 列席, status 出席) at standing-committee meetings.
observations as (
    select * from attendance
    where meeting_type = '常委会会议' and role = '列席' and status = '出席'
),

observations_scoped as (
    {{ in_region_and_prefecture('observations') }}
),

sc_meetings as (
    select meeting_id, start_date, prefecture_code
    from {{ ref('stg_raw__meetings') }}
    where meeting_type = '常委会会议' and start_date <= {{ as_of() }}
),

sc_meetings_scoped as (
    {{ in_region_and_prefecture('sc_meetings') }}
),

meeting_counts as (
    select
        grid.scope_level, grid.scope_code, grid.period_type, grid.period_label, grid.period_start, grid.period_end,
        count(sc_meetings_scoped.meeting_id) as meetings
    from grid
    left join sc_meetings_scoped
        on grid.scope_level = sc_meetings_scoped.scope_level
        and grid.scope_code = sc_meetings_scoped.scope_code
        and sc_meetings_scoped.start_date between grid.period_start and grid.period_end
    group by 1, 2, 3, 4, 5, 6
),

observer_counts as (
    select
        grid.scope_level, grid.scope_code, grid.period_type, grid.period_label,
        count(observations_scoped.deputy_id) as observers
    from grid
    left join observations_scoped
        on grid.scope_level = observations_scoped.scope_level
        and grid.scope_code = observations_scoped.scope_code
        and observations_scoped.start_date between grid.period_start and grid.period_end
    group by 1, 2, 3, 4
),

per_meeting_counts as (
    select meeting_counts.*, observer_counts.observers
    from meeting_counts
    inner join observer_counts
        using (scope_level, scope_code, period_type, period_label)
),

-- 列席覆盖率 (cumulative over the term): serving on the period's last measured day, and observed
-- at least once between the start of their term and that day.
first_observation as (
    select deputies.deputy_id, min(observations.start_date) as first_observed_on
    from deputies
    inner join observations
        on deputies.deputy_id = observations.deputy_id
        and observations.start_date >= deputies.serving_from
    group by deputies.deputy_id
),

deputies_observed as (
    select deputies.*, first_observation.first_observed_on
    from deputies
    left join first_observation on deputies.deputy_id = first_observation.deputy_id
),

deputies_scoped as (
    {{ in_region_and_prefecture('deputies_observed') }}
),

coverage_counts as (
    select
        grid.scope_level, grid.scope_code, grid.period_type, grid.period_label, grid.period_start, grid.period_end,
        count(deputies_scoped.deputy_id) as serving,
        count(case when deputies_scoped.first_observed_on <= grid.measured_until then 1 end) as observed
    from grid
    left join deputies_scoped
        on grid.scope_level = deputies_scoped.scope_level
        and grid.scope_code = deputies_scoped.scope_code
        and {{ is_serving('grid.measured_until', 'deputies_scoped') }}
    group by 1, 2, 3, 4, 5, 6
),

final as (
    {{ indicator_rows('congress_attendance_rate', 'attended', 'expected', from='attendance_counts') }}
    union all
    {{ indicator_rows('sc_observers_per_meeting', 'observers', 'meetings', value=safe_rate('observers', 'meetings'), from='per_meeting_counts') }}
    union all
    {{ indicator_rows('sc_observer_coverage', 'observed', 'serving', from='coverage_counts') }}
)

select * from final
