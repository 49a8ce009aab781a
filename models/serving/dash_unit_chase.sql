-- 总览页“催办”表（仪表盘）: handling-unit rows (fct_suggestion_handling, co-units too) of suggestions
-- overdue or not replied and due within 30 days of the as-of date, counted per unit, prefecture,
-- county and assignment day. The page sums the days of its period; at region scale it grouped
-- ~175,000 handling rows on every view (~5-8 ms), of which only the few thousand counted here matter.
-- Deputies no roster knows are left out, as the indicators do.
with as_of_date as (
    select max(as_of) as as_of from {{ ref('fct_suggestions') }}
),

handling as (
    select
        s.unit_name,
        s.prefecture_code,
        s.county,
        s.assigned_on,
        s.is_overdue,
        not s.is_replied and s.due_on between a.as_of and a.as_of + interval 30 day as is_due_within_30_days
    from {{ ref('fct_suggestion_handling') }} s
    cross join as_of_date a
    where s.has_known_deputy
)

select
    unit_name,
    prefecture_code,
    county,
    assigned_on,
    count(*) filter (where is_overdue) as unit_overdue,
    count(*) filter (where is_due_within_30_days) as unit_due_soon
from handling
where is_overdue or is_due_within_30_days
group by unit_name, prefecture_code, county, assigned_on
