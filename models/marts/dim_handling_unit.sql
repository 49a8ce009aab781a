-- 承办单位: one row per handling unit named in suggestions (prefecture-qualified), with how many
-- suggestions (submitted by the as-of date) it leads and co-handles.
with handling as (
    select * from {{ ref('fct_suggestion_handling') }}
),

units as (
    select distinct handling_unit_id, unit_name, prefecture_code
    from {{ ref('int_suggestion_units') }}
),

counts as (
    select
        handling_unit_id,
        count(case when unit_role = '主办' then 1 end) as suggestions_as_lead,
        count(case when unit_role = '协办' then 1 end) as suggestions_as_co
    from handling
    group by handling_unit_id
),

final as (
    select
        units.handling_unit_id,
        units.unit_name,
        units.prefecture_code,
        coalesce(counts.suggestions_as_lead, 0) as suggestions_as_lead,
        coalesce(counts.suggestions_as_co, 0) as suggestions_as_co
    from units
    left join counts on units.handling_unit_id = counts.handling_unit_id
)

select * from final
