-- 建议承办: one row per suggestion and handling unit (主办 lead unit, 协办 each co-unit), with the
-- suggestion's state as of the as-of date. In unit rankings a suggestion counts once per unit; in
-- the region/prefecture/county rates it counts once (fct_suggestions).
with units as (
    select * from {{ ref('int_suggestion_units') }}
),

suggestions as (
    select * from {{ ref('fct_suggestions') }}
),

final as (
    select
        suggestions.suggestion_id,
        units.handling_unit_id,
        units.unit_name,
        units.unit_role,
        suggestions.prefecture_code,
        suggestions.county,
        suggestions.congress_code,
        suggestions.lead_deputy_id,
        suggestions.assigned_on,
        suggestions.due_on,
        suggestions.has_extension,
        suggestions.replied_on,
        suggestions.reply_class,
        suggestions.satisfaction,
        suggestions.concluded_on,
        suggestions.days_to_reply,
        suggestions.is_replied,
        suggestions.is_replied_on_time,
        suggestions.has_feedback,
        suggestions.is_overdue,
        suggestions.days_overdue,
        suggestions.has_known_deputy
    from units
    inner join suggestions on units.suggestion_id = suggestions.suggestion_id
)

select * from final
