-- 建议: one row per suggestion as known on the as-of date. A reply, class, satisfaction or
-- conclusion dated after the as-of date does not exist yet. Due date: assigned_on + 3 calendar
-- months (Jan 31 -> Apr 30), or the approved extension (at most +6 months, checked at ingest).
-- Reply, class and satisfaction come from the replies (int_suggestion_reply_states): with reply
-- records, replied = the lead unit's first substantive reply, class = the lead unit's latest
-- substantive reply's, satisfaction = the result rating of the latest rated substantive reply;
-- without, the single-reply columns of 建议 (one formal reply of the lead unit).
with suggestions as (
    select * from {{ ref('stg_raw__suggestions') }}
    where submitted_on <= {{ as_of() }}
),

reply_states as (
    select * from {{ ref('int_suggestion_reply_states') }}
),

-- The lead unit's state (a suggestion naming no lead unit: its earliest-replying unit).
lead_states as (
    select
        reply_states.*,
        row_number() over (
            partition by reply_states.suggestion_id, reply_states.prefecture_code
            order by
                case when reply_states.unit_name = trim(suggestions.lead_unit) then 0 else 1 end,
                case when reply_states.first_replied_on is null then 1 else 0 end,
                reply_states.first_replied_on
        ) as lead_rank,
        suggestions.lead_unit is null or trim(suggestions.lead_unit) = '' or reply_states.unit_name = trim(suggestions.lead_unit)
            as is_lead_unit
    from reply_states
    inner join suggestions
        on reply_states.suggestion_id = suggestions.suggestion_id
        and reply_states.prefecture_code = suggestions.prefecture_code
),

lead_replies as (
    select
        suggestion_id,
        prefecture_code,
        record_source,
        first_replied_on as replied_on,
        reply_class,
        coalesce(suggestion_satisfaction, satisfaction) as satisfaction,
        suggestion_first_satisfaction as first_satisfaction
    from lead_states
    where lead_rank = 1 and is_lead_unit
),

reply_counts as (
    select
        suggestion_id,
        prefecture_code,
        max(record_source) as record_source,
        sum(replies) as replies,
        sum(interim_replies) as interim_replies,
        -- Any unit's 不满意 and re-handling count, whether or not the lead unit replied.
        max(case when suggestion_has_dissatisfaction then 1 else 0 end) = 1 as has_dissatisfaction,
        max(case when suggestion_is_rehandled then 1 else 0 end) = 1 as is_rehandled
    from reply_states
    group by suggestion_id, prefecture_code
),

deputies as (
    select deputy_id, congress_code from {{ ref('int_deputy_terms') }}
),

as_of_cut as (
    select
        suggestions.suggestion_id,
        suggestions.prefecture_code,
        county,
        lead_deputy_id,
        cosigner_ids,
        channel,
        category,
        title,
        submitted_on,
        case when assigned_on <= {{ as_of() }} then assigned_on end as assigned_on,
        lead_unit,
        co_units,
        coalesce(is_key_supervised, false) as is_key_supervised,
        extended_due,
        lead_replies.replied_on,
        case when lead_replies.replied_on is not null then lead_replies.reply_class end as reply_class,
        case when lead_replies.replied_on is not null then lead_replies.satisfaction end as satisfaction,
        case when lead_replies.replied_on is not null then lead_replies.first_satisfaction end as first_satisfaction,
        coalesce(reply_counts.has_dissatisfaction, false) as has_dissatisfaction,
        coalesce(reply_counts.is_rehandled, false) as is_rehandled,
        coalesce(reply_counts.record_source, '建议') as reply_source,
        coalesce(reply_counts.replies, 0) as reply_count,
        coalesce(reply_counts.interim_replies, 0) as interim_reply_count,
        supervising_leader,
        case when concluded_on <= {{ as_of() }} then concluded_on end as concluded_on,
        suggestions.source_file,
        suggestions.source_row_number
    from suggestions
    left join lead_replies
        on suggestions.suggestion_id = lead_replies.suggestion_id
        and suggestions.prefecture_code = lead_replies.prefecture_code
    left join reply_counts
        on suggestions.suggestion_id = reply_counts.suggestion_id
        and suggestions.prefecture_code = reply_counts.prefecture_code
),

due_dated as (
    select
        *,
        cast({{ dbt.dateadd('month', 3, 'assigned_on') }} as date) as statutory_due_on
    from as_of_cut
),

final as (
    select
        due_dated.suggestion_id,
        due_dated.prefecture_code,
        due_dated.county,
        due_dated.lead_deputy_id,
        due_dated.cosigner_ids,
        due_dated.channel,
        due_dated.category,
        due_dated.title,
        due_dated.submitted_on,
        due_dated.assigned_on,
        due_dated.lead_unit,
        due_dated.co_units,
        due_dated.is_key_supervised,
        due_dated.statutory_due_on,
        due_dated.extended_due,
        coalesce(due_dated.extended_due > due_dated.statutory_due_on, false) as has_extension,
        case
            when due_dated.extended_due > due_dated.statutory_due_on then due_dated.extended_due
            else due_dated.statutory_due_on
        end as due_on,
        due_dated.replied_on,
        due_dated.reply_class,
        due_dated.satisfaction,
        due_dated.first_satisfaction,
        due_dated.has_dissatisfaction,
        due_dated.is_rehandled,
        due_dated.reply_source,
        due_dated.reply_count,
        due_dated.interim_reply_count,
        case when due_dated.is_key_supervised then coalesce(due_dated.supervising_leader, '未注明') end
            as supervising_leader,
        due_dated.concluded_on,
        {{ dbt.datediff('due_dated.assigned_on', 'due_dated.replied_on', 'day') }} as days_to_reply,
        deputies.deputy_id is not null as has_known_deputy,
        deputies.congress_code,
        {{ as_of() }} as as_of,
        due_dated.source_file,
        due_dated.source_row_number
    from due_dated
    left join deputies on due_dated.lead_deputy_id = deputies.deputy_id
)

select
    *,
    replied_on is not null as is_replied,
    replied_on is not null and replied_on <= due_on as is_replied_on_time,
    satisfaction in ('满意', '基本满意', '不满意') as has_feedback,
    assigned_on is not null and replied_on is null and due_on < {{ as_of() }} as is_overdue,
    -- Due soon (催办): not replied, due from the as-of date to 30 days after it.
    assigned_on is not null and replied_on is null and due_on >= {{ as_of() }}
        and due_on <= {{ dbt.dateadd('day', 30, as_of()) }} as is_due_soon,
    case
        when assigned_on is not null and replied_on is null and due_on >= {{ as_of() }}
            then {{ dbt.datediff(as_of(), 'due_on', 'day') }}
    end as days_left,
    case
        when assigned_on is not null and replied_on is null and due_on < {{ as_of() }}
            then {{ dbt.datediff('due_on', as_of(), 'day') }}
    end as days_overdue
from final
