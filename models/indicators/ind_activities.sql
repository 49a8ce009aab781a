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

-- Groups existing in a period: at least one member serving at its measured_until.
group_periods as (
    select distinct
        deputies.group_id,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.measured_until
    from deputies
    inner join periods
        on periods.period_type in ('quarter', 'year')
        and {{ is_serving('periods.measured_until', 'deputies') }}
    where deputies.group_id is not null
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

-- Participation counts per prefecture (the deputy's; a deputy has one, so the region adds them up):
-- deputies who served on at least one day of the period (the denominator) ...
served_counts as (
    select
        deputies.prefecture_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        count(*) as serving
    from deputies
    inner join periods
        on periods.period_type in ('month', 'quarter', 'year')
        and {{ served_during('periods.period_start', 'periods.measured_until', 'deputies') }}
    group by
        deputies.prefecture_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end
),

-- ... and those of them active in it: the months each deputy was active in while serving, then the
-- quarters and years holding them. An activity while serving (dated by the as-of date, as
-- fct_activities is) falls in a period the deputy served in, so no join back to served periods.
active_months as (
    select distinct
        activities.deputy_id,
        deputies.prefecture_code,
        cast({{ dbt.date_trunc('month', 'activities.activity_date') }} as date) as period_start
    from activities
    inner join deputies on activities.deputy_id = deputies.deputy_id
    where {{ is_serving('activities.activity_date', 'deputies') }}
),

active_periods as (
    select deputy_id, prefecture_code, 'month' as period_type, period_start from active_months
    union all
    select distinct deputy_id, prefecture_code, 'quarter' as period_type,
        cast({{ dbt.date_trunc('quarter', 'period_start') }} as date) as period_start
    from active_months
    union all
    select distinct deputy_id, prefecture_code, 'year' as period_type,
        cast({{ dbt.date_trunc('year', 'period_start') }} as date) as period_start
    from active_months
),

active_counts as (
    select
        active_periods.prefecture_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        count(*) as active
    from active_periods
    inner join periods
        on active_periods.period_type = periods.period_type
        and active_periods.period_start = periods.period_start
    group by
        active_periods.prefecture_code, periods.period_type, periods.period_label, periods.period_start,
        periods.period_end
),

prefecture_participation as (
    select prefecture_code, period_type, period_label, period_start, period_end, serving, 0 as active
    from served_counts
    union all
    select prefecture_code, period_type, period_label, period_start, period_end, 0 as serving, active
    from active_counts
),

participation_scoped as (
    {{ in_scopes('prefecture_participation', ['region', 'prefecture']) }}
),

participation_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        sum(serving) as serving,
        sum(active) as active
    from participation_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

participation_grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['month', 'quarter', 'year']) }}
),

participation_counts as (
    {{ fill_grid('participation_grid', 'participation_aggregated', ['serving', 'active']) }}
),

-- The drill-down: each deputy's years served, active (1/1) or not (0/1).
deputy_rows as (
    select
        'deputy' as scope_level,
        deputies.deputy_id as scope_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        1 as serving,
        case when active_periods.deputy_id is not null then 1 else 0 end as active
    from deputies
    inner join periods
        on periods.period_type = 'year'
        and {{ served_during('periods.period_start', 'periods.measured_until', 'deputies') }}
    left join active_periods
        on deputies.deputy_id = active_periods.deputy_id
        and active_periods.period_type = 'year'
        and periods.period_start = active_periods.period_start
),

final as (
    {{ indicator_rows('group_quarterly_activity_rate', 'groups_compliant', 'group_count', from='group_counts') }}
    union all
    {{ indicator_rows('deputy_participation_rate', 'active', 'serving', from='participation_counts') }}
    union all
    {{ indicator_rows('deputy_participation_rate', 'active', 'serving', from='deputy_rows') }}
)

select * from final
