-- 民生实事指标. livelihood_completion_rate: projects voted in the period (voted_on <= as-of) that
-- are completed by the as-of date / projects voted. Periods month, quarter, year; scopes region,
-- prefecture (the filing prefecture).
with projects as (
    select * from {{ ref('fct_livelihood_projects') }}
),

project_periods as (
    {{ in_periods('projects', 'voted_on', period_types=['month', 'quarter', 'year']) }}
),

scoped as (
    {{ in_scopes('project_periods', ['region', 'prefecture']) }}
),

aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(project_id) as voted,
        count(case when is_completed then 1 end) as completed
    from scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['month', 'quarter', 'year']) }}
),

counts as (
    {{ fill_grid('grid', 'aggregated', ['voted', 'completed']) }}
),

final as (
    {{ indicator_rows('livelihood_completion_rate', 'completed', 'voted') }}
)

select * from final
