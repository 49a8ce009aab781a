-- 会议出席与列席指标. Periods: month, quarter, year, and the term of the congress holding the
-- meetings (for coverage: the deputies of that congress).
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

periods as (
    select * from {{ ref('int_periods') }}
),

grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['month', 'quarter', 'year', 'term']) }}
),

-- 人代会出席率: 出席 / deputies expected (serving on the session's first day).
expected_periods as (
    {{ in_periods('sessions_expected', 'start_date', 'congress_code') }}
),

expected_scoped as (
    {{ in_scopes('expected_periods', ['region', 'prefecture']) }}
),

attendance_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(deputy_id) as expected,
        count(case when status = '出席' then 1 end) as attended
    from expected_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

attendance_counts as (
    {{ fill_grid('grid', 'attendance_aggregated', ['expected', 'attended']) }}
),

-- 列席常委会: observers who were there (role 列席, status 出席) at standing-committee meetings.
observations as (
    select * from attendance
    where meeting_type = '常委会会议' and role = '列席' and status = '出席'
),

observation_periods as (
    {{ in_periods('observations', 'start_date', 'congress_code') }}
),

observations_scoped as (
    {{ in_scopes('observation_periods', ['region', 'prefecture']) }}
),

observer_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(deputy_id) as observers
    from observations_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

sc_meetings as (
    select meeting_id, start_date, prefecture_code, congress_code
    from {{ ref('stg_raw__meetings') }}
    where meeting_type = '常委会会议' and start_date <= {{ as_of() }}
),

sc_meeting_periods as (
    {{ in_periods('sc_meetings', 'start_date', 'congress_code') }}
),

sc_meetings_scoped as (
    {{ in_scopes('sc_meeting_periods', ['region', 'prefecture']) }}
),

meeting_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(meeting_id) as meetings
    from sc_meetings_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

meetings_filled as (
    {{ fill_grid('grid', 'meeting_aggregated', ['meetings']) }}
),

per_meeting_counts as (
    select
        meetings_filled.*,
        coalesce(observer_aggregated.observers, 0) as observers
    from meetings_filled
    left join observer_aggregated
        on meetings_filled.scope_level = observer_aggregated.scope_level
        and meetings_filled.scope_code = observer_aggregated.scope_code
        and meetings_filled.period_type = observer_aggregated.period_type
        and meetings_filled.period_label = observer_aggregated.period_label
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

calendar_grid as (
    select * from grid
    where period_type <> 'term'
),

calendar_coverage as (
    select
        calendar_grid.scope_level, calendar_grid.scope_code, calendar_grid.period_type,
        calendar_grid.period_label, calendar_grid.period_start, calendar_grid.period_end,
        count(deputies_scoped.deputy_id) as serving,
        count(case when deputies_scoped.first_observed_on <= calendar_grid.measured_until then 1 end) as observed
    from calendar_grid
    left join deputies_scoped
        on calendar_grid.scope_level = deputies_scoped.scope_level
        and calendar_grid.scope_code = deputies_scoped.scope_code
        and {{ is_serving('calendar_grid.measured_until', 'deputies_scoped') }}
    group by 1, 2, 3, 4, 5, 6
),

-- For a term: the deputies of that congress serving at its end (capped at the as-of date).
term_deputies as (
    select
        deputies_observed.*,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.measured_until
    from deputies_observed
    inner join periods
        on periods.period_type = 'term'
        and deputies_observed.congress_code = periods.period_label
    where {{ is_serving('periods.measured_until', 'deputies_observed') }}
),

term_scoped as (
    {{ in_scopes('term_deputies', ['region', 'prefecture']) }}
),

term_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(deputy_id) as serving,
        count(case when first_observed_on <= measured_until then 1 end) as observed
    from term_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

term_grid as (
    select * from grid
    where period_type = 'term'
),

term_coverage as (
    {{ fill_grid('term_grid', 'term_aggregated', ['serving', 'observed']) }}
),

coverage_counts as (
    select * from calendar_coverage
    union all
    select * from term_coverage
),

final as (
    {{ indicator_rows('congress_attendance_rate', 'attended', 'expected', from='attendance_counts') }}
    union all
    {{ indicator_rows('sc_observers_per_meeting', 'observers', 'meetings', value=safe_rate('observers', 'meetings'), from='per_meeting_counts') }}
    union all
    {{ indicator_rows('sc_observer_coverage', 'observed', 'serving', from='coverage_counts') }}
)

select * from final
