-- 承办单位: one row per suggestion and handling unit, the lead unit (主办) and each co-unit (协办).
-- A unit named as lead and again as co-unit counts once, as lead. Units are named per prefecture
-- (州教育局 of Ili is not 州教育局 of Changji): handling_unit_id = prefecture_code:unit name.
with suggestions as (
    select * from {{ ref('stg_raw__suggestions') }}
),

lead_units as (
    select
        suggestion_id,
        prefecture_code,
        trim(lead_unit) as unit_name,
        '主办' as unit_role,
        0 as item_position
    from suggestions
    where lead_unit is not null and trim(lead_unit) <> ''
),

co_unit_items as (
    {{ split_list('suggestions', ['suggestion_id', 'prefecture_code'], 'co_units', max_items=50) }}
),

co_units as (
    select
        suggestion_id,
        prefecture_code,
        item as unit_name,
        '协办' as unit_role,
        item_position
    from co_unit_items
    where item <> ''
),

all_units as (
    select * from lead_units
    union all
    select * from co_units
),

deduplicated as (
    select
        *,
        row_number() over (
            partition by suggestion_id, unit_name order by item_position
        ) as rank_of_unit
    from all_units
),

final as (
    select
        suggestion_id,
        concat(coalesce(prefecture_code, '000000'), ':', unit_name) as handling_unit_id,
        unit_name,
        prefecture_code,
        unit_role
    from deduplicated
    where rank_of_unit = 1
)

select * from final
