-- 家室站: one row per station (current roster of stations) with the ten 第八十条 flags (a missing
-- flag counts as 否), how many it has, and has_all_ten. Plus the "missing member" 未知 so that a
-- reception at a station no file has delivered still joins.
with stations as (
    select * from {{ ref('stg_raw__stations') }}
),

flagged as (
    select
        station_id,
        name,
        station_type,
        county,
        township,
        coalesce(has_site, false) as has_site,
        coalesce(has_sign, false) as has_sign,
        coalesce(has_equipment, false) as has_equipment,
        coalesce(has_staff, false) as has_staff,
        coalesce(has_rules, false) as has_rules,
        coalesce(has_plan, false) as has_plan,
        coalesce(has_activities, false) as has_activities,
        coalesce(has_records, false) as has_records,
        coalesce(has_ledger, false) as has_ledger,
        coalesce(has_funds, false) as has_funds,
        established_on,
        prefecture_code
    from stations
),

counted as (
    select
        *,
        (case when has_site then 1 else 0 end)
        + (case when has_sign then 1 else 0 end)
        + (case when has_equipment then 1 else 0 end)
        + (case when has_staff then 1 else 0 end)
        + (case when has_rules then 1 else 0 end)
        + (case when has_plan then 1 else 0 end)
        + (case when has_activities then 1 else 0 end)
        + (case when has_records then 1 else 0 end)
        + (case when has_ledger then 1 else 0 end)
        + (case when has_funds then 1 else 0 end) as flag_count
    from flagged
),

final as (
    select
        station_id,
        name,
        station_type,
        county,
        township,
        has_site,
        has_sign,
        has_equipment,
        has_staff,
        has_rules,
        has_plan,
        has_activities,
        has_records,
        has_ledger,
        has_funds,
        flag_count,
        flag_count = 10 as has_all_ten,
        established_on,
        coalesce(established_on <= {{ as_of() }}, true) as is_established_at_as_of,
        prefecture_code,
        false as is_missing_member
    from counted
    union all
    select
        '未知', '未知站点', '未知', null, null,
        false, false, false, false, false, false, false, false, false, false,
        0, false, null, false, '000000', true
)

select * from final
