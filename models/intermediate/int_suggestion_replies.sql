-- 答复 (every reply of every handling unit), as known on the as-of date. Two forms, also mixed in
-- one prefecture:
-- - a suggestion with reply records (答复记录) takes them as the truth;
-- - a suggestion without any takes the single-reply columns of 建议 as one 正式答复 of the lead
--   unit (reply_no 1; 代表满意度 is the result rating, no attitude or consultation recorded).
-- A reply dated after the as-of date does not exist yet; a rating whose feedback_on is after the
-- as-of date does not exist yet either (the reply stays, unrated).
with suggestions as (
    select * from {{ ref('stg_raw__suggestions') }}
),

reply_records as (
    select * from {{ ref('stg_raw__replies') }}
),

with_records as (
    select distinct suggestion_id, prefecture_code
    from reply_records
),

recorded as (
    select
        reply_records.suggestion_id,
        reply_records.prefecture_code,
        trim(reply_records.unit) as unit_name,
        reply_records.reply_no,
        reply_records.reply_type,
        reply_records.replied_on,
        reply_records.reply_class,
        reply_records.planned_year,
        reply_records.consultation,
        reply_records.result_satisfaction,
        reply_records.attitude_satisfaction,
        reply_records.feedback_on,
        '答复记录' as record_source,
        reply_records.source_file,
        reply_records.source_row_number
    from reply_records
),

single_column as (
    select
        suggestions.suggestion_id,
        suggestions.prefecture_code,
        nullif(trim(suggestions.lead_unit), '') as unit_name,
        1 as reply_no,
        '正式答复' as reply_type,
        suggestions.replied_on,
        suggestions.reply_class,
        cast(null as bigint) as planned_year,
        cast(null as {{ dbt.type_string() }}) as consultation,
        suggestions.satisfaction as result_satisfaction,
        cast(null as {{ dbt.type_string() }}) as attitude_satisfaction,
        cast(null as date) as feedback_on,
        '建议' as record_source,
        suggestions.source_file,
        suggestions.source_row_number
    from suggestions
    left join with_records
        on suggestions.suggestion_id = with_records.suggestion_id
        and suggestions.prefecture_code = with_records.prefecture_code
    where with_records.suggestion_id is null
        and suggestions.replied_on is not null
),

all_replies as (
    select * from recorded
    union all
    select * from single_column
),

as_of_cut as (
    select
        suggestion_id,
        prefecture_code,
        unit_name,
        reply_no,
        reply_type,
        reply_type in ('正式答复', '重新办理答复') as is_substantive,
        replied_on,
        reply_class,
        planned_year,
        consultation,
        case when feedback_on is null or feedback_on <= {{ as_of() }} then result_satisfaction end
            as result_satisfaction,
        case when feedback_on is null or feedback_on <= {{ as_of() }} then attitude_satisfaction end
            as attitude_satisfaction,
        case when feedback_on <= {{ as_of() }} then feedback_on end as feedback_on,
        record_source,
        source_file,
        source_row_number
    from all_replies
    where replied_on <= {{ as_of() }}
),

final as (
    select
        as_of_cut.*,
        case when unit_name is not null then concat(coalesce(prefecture_code, '000000'), ':', unit_name) end
            as handling_unit_id,
        coalesce(result_satisfaction in ('满意', '基本满意', '不满意'), false) as has_result_feedback,
        coalesce(attitude_satisfaction in ('满意', '基本满意', '不满意'), false) as has_attitude_feedback
    from as_of_cut
)

select * from final
