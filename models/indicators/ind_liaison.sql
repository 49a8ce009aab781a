-- 联系代表指标. liaison_contact_compliance (第六十八条): assigned (member, linked deputy) pairs of
-- the year with at least two contacts in that year (dated by the as-of date) / assigned pairs.
-- Period: year only (the assignment is annual). Scope: the prefecture that filed the assignment.
with pairs as (
    select * from {{ ref('fct_liaison_pairs') }}
    where has_known_deputy
),

years as (
    select * from {{ ref('int_periods') }}
    where period_type = 'year'
),

pair_periods as (
    select
        pairs.*,
        years.period_type,
        years.period_label,
        years.period_start,
        years.period_end
    from pairs
    inner join years on cast(pairs.year as {{ dbt.type_string() }}) = years.period_label
),

scoped as (
    {{ in_scopes('pair_periods', ['region', 'prefecture']) }}
),

aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(*) as pairs_assigned,
        count(case when is_compliant then 1 end) as pairs_compliant
    from scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['year']) }}
),

counts as (
    {{ fill_grid('grid', 'aggregated', ['pairs_assigned', 'pairs_compliant']) }}
),

final as (
    {{ indicator_rows('liaison_contact_compliance', 'pairs_compliant', 'pairs_assigned') }}
)

select * from final
