-- 闭会期间活动页（仪表盘）: per quarter, for the region and each prefecture, the groups with a collective
-- activity, the activities held and the deputies taking part, up to the as-of date (fct_activities
-- holds nothing later). Distinct counts do not add up across prefectures or quarters, so the region
-- has rows of its own; at region scale counting them from 1.5 M activity rows took ~100 ms a page.
-- Deputies no roster knows are left out, as the indicators do.
with activities as (
    select
        prefecture_code,
        year(activity_date) as year_number,
        quarter(activity_date) as quarter_number,
        group_id,
        activity_id,
        deputy_id,
        is_collective
    from {{ ref('fct_activities') }}
    where has_known_deputy
),

by_prefecture as (
    select
        'prefecture' as scope_level,
        prefecture_code as scope_code,
        year_number,
        quarter_number,
        count(distinct case when is_collective then group_id end) as groups_active,
        count(distinct activity_id) as activities_held,
        count(distinct deputy_id) as deputies_active
    from activities
    group by prefecture_code, year_number, quarter_number
),

by_region as (
    select
        'region' as scope_level,
        '{{ var("region_code") }}' as scope_code,
        year_number,
        quarter_number,
        count(distinct case when is_collective then group_id end) as groups_active,
        count(distinct activity_id) as activities_held,
        count(distinct deputy_id) as deputies_active
    from activities
    group by year_number, quarter_number
),

scopes as (
    select * from by_prefecture
    union all
    select * from by_region
)

select
    scope_level,
    scope_code,
    concat(cast(year_number as {{ dbt.type_string() }}), 'Q', cast(quarter_number as {{ dbt.type_string() }}))
        as period_label,
    year_number,
    quarter_number,
    groups_active,
    activities_held,
    deputies_active
from scopes
