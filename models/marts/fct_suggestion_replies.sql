-- 答复记录事实: one row per reply of a handling unit to a suggestion, as known on the as-of date
-- (a reply dated after it does not exist yet; a rating fed back after it is not yet given).
-- Suggestions without reply records contribute their single-reply columns as one 正式答复 of the
-- lead unit (reply_source 建议). Adds the unit's role, whether the reply is the unit's first
-- substantive one and on time, re-handling after 不满意, and the B promise (列入计划) and whether
-- it was kept: a later A reply of any unit of the suggestion dated by 31 December of planned_year.
with replies as (
    select * from {{ ref('int_suggestion_replies') }}
),

suggestions as (
    select suggestion_id, prefecture_code, county, lead_deputy_id, congress_code, assigned_on, due_on,
        has_extension, is_key_supervised, has_known_deputy
    from {{ ref('fct_suggestions') }}
),

units as (
    select * from {{ ref('int_suggestion_units') }}
),

ordered as (
    select
        replies.*,
        row_number() over (
            partition by replies.suggestion_id, replies.prefecture_code, replies.unit_name
            order by case when replies.is_substantive then 0 else 1 end, replies.replied_on, replies.reply_no
        ) as substantive_order,
        min(case when replies.is_substantive and replies.result_satisfaction = '不满意'
            then coalesce(replies.feedback_on, replies.replied_on) end) over (
            partition by replies.suggestion_id, replies.prefecture_code, replies.unit_name
        ) as unit_first_dissatisfied_on
    from replies
),

later_a as (
    select
        b_replies.suggestion_id,
        b_replies.prefecture_code,
        b_replies.unit_name,
        b_replies.reply_no,
        min(a_replies.replied_on) as kept_on
    from ordered as b_replies
    inner join ordered as a_replies
        on b_replies.suggestion_id = a_replies.suggestion_id
        and b_replies.prefecture_code = a_replies.prefecture_code
        and a_replies.is_substantive
        and a_replies.reply_class = 'A'
        and (a_replies.replied_on > b_replies.replied_on
            or (a_replies.replied_on = b_replies.replied_on and a_replies.reply_no > b_replies.reply_no))
        and a_replies.replied_on <= cast(concat(cast(b_replies.planned_year as {{ dbt.type_string() }}), '-12-31') as date)
    where b_replies.is_substantive and b_replies.reply_class = 'B' and b_replies.planned_year is not null
    group by b_replies.suggestion_id, b_replies.prefecture_code, b_replies.unit_name, b_replies.reply_no
),

final as (
    select
        ordered.suggestion_id,
        ordered.handling_unit_id,
        ordered.unit_name,
        coalesce(units.unit_role, '未列明') as unit_role,
        ordered.prefecture_code,
        suggestions.county,
        suggestions.congress_code,
        suggestions.lead_deputy_id,
        suggestions.assigned_on,
        suggestions.due_on,
        suggestions.has_extension,
        suggestions.is_key_supervised,
        ordered.reply_no,
        ordered.reply_type,
        ordered.is_substantive,
        ordered.replied_on,
        ordered.reply_class,
        ordered.planned_year,
        ordered.consultation,
        ordered.result_satisfaction,
        ordered.attitude_satisfaction,
        ordered.feedback_on,
        ordered.has_result_feedback,
        ordered.has_attitude_feedback,
        ordered.consultation is not null as has_consultation_recorded,
        coalesce(ordered.consultation <> '未沟通', false) as was_consulted,
        ordered.is_substantive and ordered.substantive_order = 1 as is_first_substantive_of_unit,
        case when ordered.is_substantive and ordered.substantive_order = 1 then ordered.replied_on <= suggestions.due_on end
            as is_on_time,
        ordered.reply_type = '重新办理答复'
            and coalesce(ordered.replied_on >= ordered.unit_first_dissatisfied_on, false) as is_rehandling_after_dissatisfaction,
        ordered.is_substantive and ordered.reply_class = 'B' and ordered.planned_year is not null as is_b_promise,
        case when ordered.is_substantive and ordered.reply_class = 'B' and ordered.planned_year is not null
            then cast(concat(cast(ordered.planned_year as {{ dbt.type_string() }}), '-12-31') as date) end as promise_due_on,
        later_a.kept_on as promise_kept_on,
        case
            when not (ordered.is_substantive and ordered.reply_class = 'B' and ordered.planned_year is not null) then null
            when later_a.kept_on is not null then 'kept'
            when cast(concat(cast(ordered.planned_year as {{ dbt.type_string() }}), '-12-31') as date) < {{ as_of() }}
                then 'not_kept'
            else 'pending'
        end as promise_status,
        ordered.record_source as reply_source,
        coalesce(suggestions.has_known_deputy, false) as has_known_deputy,
        suggestions.suggestion_id is not null as has_known_suggestion,
        {{ as_of() }} as as_of,
        ordered.source_file,
        ordered.source_row_number
    from ordered
    left join suggestions
        on ordered.suggestion_id = suggestions.suggestion_id
        and ordered.prefecture_code = suggestions.prefecture_code
    left join units
        on ordered.suggestion_id = units.suggestion_id
        and ordered.handling_unit_id = units.handling_unit_id
    left join later_a
        on ordered.suggestion_id = later_a.suggestion_id
        and ordered.prefecture_code = later_a.prefecture_code
        and ordered.unit_name = later_a.unit_name
        and ordered.reply_no = later_a.reply_no
)

select * from final
