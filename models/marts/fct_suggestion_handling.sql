-- 建议承办: one row per suggestion and handling unit (主办 lead unit, 协办 each co-unit), with the
-- unit's own state as of the as-of date. In unit rankings a suggestion counts once per unit; in
-- the region/prefecture/county rates it counts once (fct_suggestions).
-- Unit-level timeliness: where the suggestion has reply records, each unit's reply is its own first
-- substantive reply (正式答复 / 重新办理答复; an interim reply does not stop the clock), its class
-- that of its latest substantive reply, its satisfaction the result rating of its latest rated
-- substantive reply. Where only the single-reply columns of 建议 exist, every unit carries the
-- suggestion's reply (nothing tells the units apart).
with units as (
    select * from {{ ref('int_suggestion_units') }}
),

suggestions as (
    select * from {{ ref('fct_suggestions') }}
),

reply_states as (
    select * from {{ ref('int_suggestion_reply_states') }}
),

joined as (
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
        suggestions.is_key_supervised,
        suggestions.reply_source,
        suggestions.replied_on as suggestion_replied_on,
        case when suggestions.reply_source = '答复记录' then reply_states.first_replied_on else suggestions.replied_on end
            as replied_on,
        case when suggestions.reply_source = '答复记录' then reply_states.reply_class else suggestions.reply_class end
            as reply_class,
        case when suggestions.reply_source = '答复记录' then reply_states.satisfaction else suggestions.satisfaction end
            as satisfaction,
        case when suggestions.reply_source = '答复记录' then coalesce(reply_states.has_dissatisfaction, false)
            else suggestions.has_dissatisfaction end as has_dissatisfaction,
        case when suggestions.reply_source = '答复记录' then coalesce(reply_states.is_rehandled, false)
            else suggestions.is_rehandled end as is_rehandled,
        suggestions.concluded_on,
        suggestions.has_known_deputy
    from units
    inner join suggestions on units.suggestion_id = suggestions.suggestion_id
    left join reply_states
        on units.suggestion_id = reply_states.suggestion_id
        and units.prefecture_code = reply_states.prefecture_code
        and units.unit_name = reply_states.unit_name
),

final as (
    select
        *,
        {{ dbt.datediff('assigned_on', 'replied_on', 'day') }} as days_to_reply,
        replied_on is not null as is_replied,
        replied_on is not null and replied_on <= due_on as is_replied_on_time,
        coalesce(satisfaction in ('满意', '基本满意', '不满意'), false) as has_feedback,
        assigned_on is not null and replied_on is null and due_on < {{ as_of() }} as is_overdue,
        case
            when assigned_on is not null and replied_on is null and due_on < {{ as_of() }}
                then {{ dbt.datediff('due_on', as_of(), 'day') }}
        end as days_overdue,
        assigned_on is not null and replied_on is null and due_on >= {{ as_of() }}
            and due_on <= {{ dbt.dateadd('day', 30, as_of()) }} as is_due_soon,
        case
            when assigned_on is not null and replied_on is null and due_on >= {{ as_of() }}
                then {{ dbt.datediff(as_of(), 'due_on', 'day') }}
        end as days_left
    from joined
)

select * from final
