-- 闭会期间活动指标.
-- group_quarterly_activity_rate (第三十八条): groups (with at least one member serving at the
--   period's measured_until) that held a collective activity (organiser 代表小组, naming the group)
--   in every quarter of the period begun by the as-of date: for a quarter that quarter, for a year
--   each of its quarters up to the as-of date. Periods quarter and year; scope by the group's prefecture.
-- deputy_participation_rate: deputies who served on at least one day of the period (up to its
--   measured_until) with at least one activity while serving / those deputies (DOMAIN "Serving in
--   a period": a deputy who left in August keeps April's activity). Periods month, quarter, year;
--   scopes region, prefecture (the deputy's) and deputy (year only: 1/1 or 0/1, the drill-down).
with deputies as (
    select * from {{ ref('int_deputy_terms') }}
),

activities as (
    select * from {{ ref('fct_activities') }}
    where has_known_deputy
),

groups as (
    select * from {{ ref('dim_group') }}
    where not is_missing_member
),

periods as (
    select * from {{ ref('int_periods') }}
),

period_days as (
    select * from {{ ref('int_period_days') }}
),

-- Group activity: one row per group and quarter with a collective activity.
collective_quarters as (
    select distinct
        activities.group_id,
        period_days.period_label as quarter_label,
        period_days.period_start as quarter_start
    from activities
    inner join period_days
        on activities.activity_date = period_days.date_day
        and period_days.period_type = 'quarter'
    where activities.is_collective
),

-- Deputies x periods while serving (at the period's measured_until): one join serves both the
-- groups that exist in a period and the participation denominator.
serving_periods as (
    select
        deputies.deputy_id,
        deputies.prefecture_code,
        deputies.group_id,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.measured_until
    from deputies
    inner join periods
        on periods.period_type in ('month', 'quarter', 'year')
        and {{ is_serving('periods.measured_until', 'deputies') }}
),

-- Groups existing in a period: at least one member serving at its measured_until.
group_periods as (
    select distinct
        group_id,
        period_type,
        period_label,
        period_start,
        period_end,
        measured_until
    from serving_periods
    where group_id is not null and period_type in ('quarter', 'year')
),

-- Quarters of the period that have begun by its measured_until: 1 for a quarter, up to 4 for a year.
required_quarters as (
    select
        periods.period_type,
        periods.period_label,
        count(*) as quarters_required
    from periods
    inner join periods as quarters
        on quarters.period_type = 'quarter'
        and quarters.period_start between periods.period_start and periods.measured_until
    where periods.period_type in ('quarter', 'year')
    group by periods.period_type, periods.period_label
),

group_compliance as (
    select
        group_periods.group_id,
        groups.prefecture_code,
        group_periods.period_type,
        group_periods.period_label,
        group_periods.period_start,
        group_periods.period_end,
        required_quarters.quarters_required,
        count(collective_quarters.quarter_label) as quarters_active
    from group_periods
    inner join groups on group_periods.group_id = groups.group_id
    inner join required_quarters
        on group_periods.period_type = required_quarters.period_type
        and group_periods.period_label = required_quarters.period_label
    left join collective_quarters
        on group_periods.group_id = collective_quarters.group_id
        and collective_quarters.quarter_start between group_periods.period_start and group_periods.measured_until
    group by
        group_periods.group_id, groups.prefecture_code, group_periods.period_type, group_periods.period_label,
        group_periods.period_start, group_periods.period_end, required_quarters.quarters_required
),

groups_scoped as (
    {{ in_scopes('group_compliance', ['region', 'prefecture']) }}
),

group_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(group_id) as group_count,
        count(case when quarters_active >= quarters_required then 1 end) as groups_compliant
    from groups_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

group_grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['quarter', 'year']) }}
),

group_counts as (
    {{ fill_grid('group_grid', 'group_aggregated', ['group_count', 'groups_compliant']) }}
),

-- Deputies x periods in which they served at least one day (the participation denominator).
served_periods as (
    select
        deputies.deputy_id,
        deputies.prefecture_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end
    from deputies
    inner join periods
        on periods.period_type in ('month', 'quarter', 'year')
        and {{ served_during('periods.period_start', 'periods.measured_until', 'deputies') }}
),

-- Participation: the months each deputy was active in while serving (one row per deputy and
-- month, so a busy deputy is not repeated).
active_months as (
    select distinct
        activities.deputy_id,
        cast({{ dbt.date_trunc('month', 'activities.activity_date') }} as date) as month_start
    from activities
    inner join deputies on activities.deputy_id = deputies.deputy_id
    where {{ is_serving('activities.activity_date', 'deputies') }}
),

active_periods as (
    select distinct
        active_months.deputy_id,
        period_days.period_type,
        period_days.period_label
    from active_months
    inner join period_days on active_months.month_start = period_days.date_day
),

deputy_periods as (
    select
        served_periods.*,
        case when active_periods.deputy_id is not null then 1 else 0 end as is_active
    from served_periods
    left join active_periods
        on served_periods.deputy_id = active_periods.deputy_id
        and served_periods.period_type = active_periods.period_type
        and served_periods.period_label = active_periods.period_label
),

deputies_scoped as (
    {{ in_scopes('deputy_periods', ['region', 'prefecture']) }}
),

participation_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(deputy_id) as serving,
        sum(is_active) as active
    from deputies_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

participation_grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['month', 'quarter', 'year']) }}
),

participation_counts as (
    {{ fill_grid('participation_grid', 'participation_aggregated', ['serving', 'active']) }}
),

deputy_rows as (
    select
        'deputy' as scope_level,
        deputy_id as scope_code,
        period_type,
        period_label,
        period_start,
        period_end,
        1 as serving,
        is_active as active
    from deputy_periods
    where period_type = 'year'
),

final as (
    {{ indicator_rows('group_quarterly_activity_rate', 'groups_compliant', 'group_count', from='group_counts') }}
    union all
    {{ indicator_rows('deputy_participation_rate', 'active', 'serving', from='participation_counts') }}
    union all
    {{ indicator_rows('deputy_participation_rate', 'active', 'serving', from='deputy_rows') }}
)

select * from final
