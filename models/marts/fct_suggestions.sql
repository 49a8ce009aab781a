-- 建议: one row per suggestion as known on the as-of date. A reply, class, satisfaction or
-- conclusion dated after the as-of date does not exist yet. Due date: assigned_on + 3 calendar
-- months (Jan 31 -> Apr 30), or the approved extension (at most +6 months, checked at ingest).
with suggestions as (
    select * from {{ ref('stg_raw__suggestions') }}
    where submitted_on <= {{ as_of() }}
),

deputies as (
    select deputy_id, congress_code from {{ ref('int_deputy_terms') }}
),

as_of_cut as (
    select
        suggestion_id,
        prefecture_code,
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
        case when replied_on <= {{ as_of() }} then replied_on end as replied_on,
        case when replied_on <= {{ as_of() }} then reply_class end as reply_class,
        case when replied_on <= {{ as_of() }} then satisfaction end as satisfaction,
        case when concluded_on <= {{ as_of() }} then concluded_on end as concluded_on,
        source_file,
        source_row_number
    from suggestions
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
    case
        when assigned_on is not null and replied_on is null and due_on < {{ as_of() }}
            then {{ dbt.datediff('due_on', as_of(), 'day') }}
    end as days_overdue
from final
