-- 建议办理页（仪表盘）的“办理单位”图与表: per year and quarter, for the region, each prefecture and each
-- county, the handling rows (fct_suggestion_handling: the lead unit and each co-unit) of the
-- suggestions assigned in the period, counted per unit. The page counted them from ~175,000 handling
-- rows on its first view at region scale (~6-10 ms); a term (any span of days) is still counted there.
-- due_or_replied as the indicator's denominator: replied, or due before the as-of date.
-- Deputies no roster knows are left out, as the indicators do.
with as_of_date as (
    select max(as_of) as as_of from {{ ref('fct_suggestions') }}
),

handling as (
    select
        coalesce(h.unit_name, '（未填写）') as unit_name,
        h.prefecture_code,
        h.county,
        h.assigned_on,
        h.is_replied,
        h.is_replied or h.due_on < a.as_of as is_due_or_replied,
        h.is_replied_on_time,
        h.is_overdue
    from {{ ref('fct_suggestion_handling') }} as h
    cross join as_of_date as a
    where h.has_known_deputy
),

handling_periods as (
    {{ in_periods('handling', 'assigned_on', period_types=['quarter', 'year']) }}
),

handling_scoped as (
    {{ in_scopes('handling_periods', ['region', 'prefecture', 'county']) }}
),

final as (
    select
        period_type,
        period_label,
        period_start,
        period_end,
        scope_level,
        scope_code,
        case when scope_level <> 'region' then prefecture_code end as prefecture_code,
        unit_name,
        count(*) as assigned,
        count(*) filter (where is_replied) as replied,
        count(*) filter (where is_due_or_replied) as due_or_replied,
        count(*) filter (where is_replied_on_time) as on_time,
        count(*) filter (where is_overdue) as overdue
    from handling_scoped
    group by
        period_type,
        period_label,
        period_start,
        period_end,
        scope_level,
        scope_code,
        case when scope_level <> 'region' then prefecture_code end,
        unit_name
)

select * from final
