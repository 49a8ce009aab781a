-- 议案指标. motion_completion_rate: motions accepted as 议案 (decision 列为议案) and assigned in the
-- period (assigned_on <= as-of), lead deputy known; concluded = concluded_on <= as-of.
-- Periods: month, quarter, year, and the term of the lead deputy's congress.
with motions as (
    select * from {{ ref('fct_motions') }}
    where is_accepted and assigned_on is not null and has_known_deputy
),

motion_periods as (
    {{ in_periods('motions', 'assigned_on', 'congress_code') }}
),

scoped as (
    {{ in_scopes('motion_periods', ['region', 'prefecture']) }}
),

aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(motion_id) as accepted,
        count(case when is_concluded then 1 end) as concluded
    from scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['month', 'quarter', 'year', 'term']) }}
),

counts as (
    {{ fill_grid('grid', 'aggregated', ['accepted', 'concluded']) }}
),

final as (
    {{ indicator_rows('motion_completion_rate', 'concluded', 'accepted') }}
)

select * from final
