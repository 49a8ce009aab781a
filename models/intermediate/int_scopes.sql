-- Scopes an indicator is reported for: the region and the 14 prefectures (every indicator has a
-- row for each, no data = null value; int_region_scopes), counties as the records name them,
-- handling units of suggestions, and deputies (per-deputy indicators). prefecture_code: the
-- prefecture a scope lies in.
with region_and_prefectures as (
    select * from {{ ref('int_region_scopes') }}
),

counties as (
    select * from {{ ref('int_counties') }}
),

units as (
    select distinct handling_unit_id, unit_name, prefecture_code
    from {{ ref('int_suggestion_units') }}
),

deputies as (
    select * from {{ ref('int_deputy_terms') }}
),

final as (
    select * from region_and_prefectures
    union all
    select
        'county' as scope_level,
        county as scope_code,
        county as scope_name,
        prefecture_code
    from counties
    union all
    select
        'handling_unit' as scope_level,
        handling_unit_id as scope_code,
        unit_name as scope_name,
        prefecture_code
    from units
    union all
    select
        'deputy' as scope_level,
        deputy_id as scope_code,
        name as scope_name,
        prefecture_code
    from deputies
)

select * from final
