-- 代表小组: one row per group named in the rosters (or in activities), with its prefecture (that of
-- most of its members), members on the roster and members serving at the as-of date. Plus the
-- "missing member" 未知.
with deputies as (
    select * from {{ ref('int_deputy_terms') }}
    where group_id is not null
),

activity_groups as (
    select distinct group_id, prefecture_code
    from {{ ref('stg_raw__activities') }}
    where group_id is not null
),

members as (
    select
        group_id,
        prefecture_code,
        count(*) as members,
        count(case when {{ is_serving(as_of()) }} then 1 end) as serving_members
    from deputies
    group by group_id, prefecture_code
),

ranked as (
    select
        group_id,
        prefecture_code,
        sum(members) over (partition by group_id) as member_count,
        sum(serving_members) over (partition by group_id) as serving_member_count,
        row_number() over (partition by group_id order by members desc, prefecture_code) as rank_in_group
    from members
),

roster_groups as (
    select group_id, prefecture_code, member_count, serving_member_count
    from ranked
    where rank_in_group = 1
),

activity_only as (
    select
        activity_groups.group_id,
        min(activity_groups.prefecture_code) as prefecture_code,
        0 as member_count,
        0 as serving_member_count
    from activity_groups
    left join roster_groups on activity_groups.group_id = roster_groups.group_id
    where roster_groups.group_id is null
    group by activity_groups.group_id
),

final as (
    select *, false as is_missing_member from roster_groups
    union all
    select *, false as is_missing_member from activity_only
    union all
    select '未知', '000000', 0, 0, true
)

select * from final
