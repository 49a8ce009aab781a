-- 数据质量：答复记录中跨行、跨文件才能发现的问题（单行问题在导入时即隔离）。记录照常计入指标，
-- 此表列明问题，供州市核对后重新报送。
-- Reply-record errors that need other rows or files (a row's own errors are quarantined at ingest):
-- a reply dated before the suggestion's assignment; a 重新办理答复 without an earlier 不满意 result
-- rating of that unit; reply_no not 1, 2, ... without gaps per suggestion and unit; a reply to a
-- suggestion no file has delivered. The rows still count; this table tells the clerk what to fix.
with replies as (
    select * from {{ ref('stg_raw__replies') }}
),

suggestions as (
    select suggestion_id, prefecture_code, assigned_on from {{ ref('stg_raw__suggestions') }}
),

before_assignment as (
    select
        replies.prefecture_code,
        replies.suggestion_id,
        replies.unit,
        replies.reply_no,
        'reply_before_assignment' as rule_id,
        '答复早于交办' as rule_zh,
        concat('答复日期 ', cast(replies.replied_on as {{ dbt.type_string() }}), ' 早于交办日期 ',
            cast(suggestions.assigned_on as {{ dbt.type_string() }})) as message,
        replies.source_file,
        replies.source_row_number
    from replies
    inner join suggestions
        on replies.suggestion_id = suggestions.suggestion_id
        and replies.prefecture_code = suggestions.prefecture_code
    where replies.replied_on < suggestions.assigned_on
),

unknown_suggestion as (
    select
        replies.prefecture_code,
        replies.suggestion_id,
        replies.unit,
        replies.reply_no,
        'unknown_suggestion' as rule_id,
        '建议编号不存在' as rule_zh,
        concat('建议编号“', replies.suggestion_id, '”在本州市报送的建议中不存在') as message,
        replies.source_file,
        replies.source_row_number
    from replies
    left join suggestions
        on replies.suggestion_id = suggestions.suggestion_id
        and replies.prefecture_code = suggestions.prefecture_code
    where suggestions.suggestion_id is null
),

rehandling_without_dissatisfaction as (
    select
        rehandling.prefecture_code,
        rehandling.suggestion_id,
        rehandling.unit,
        rehandling.reply_no,
        'rehandling_without_dissatisfaction' as rule_id,
        '重新办理答复前无不满意评价' as rule_zh,
        concat('第 ', cast(rehandling.reply_no as {{ dbt.type_string() }}),
            ' 次答复为“重新办理答复”，但该单位此前没有办理结果被评为“不满意”的答复') as message,
        rehandling.source_file,
        rehandling.source_row_number
    from replies as rehandling
    where rehandling.reply_type = '重新办理答复'
        and not exists (
            select 1
            from replies as earlier
            where earlier.suggestion_id = rehandling.suggestion_id
                and earlier.prefecture_code = rehandling.prefecture_code
                and earlier.unit = rehandling.unit
                and earlier.reply_no < rehandling.reply_no
                and earlier.result_satisfaction = '不满意'
        )
),

numbering as (
    select
        prefecture_code,
        suggestion_id,
        unit,
        count(*) as replies,
        min(reply_no) as first_no,
        max(reply_no) as last_no,
        {{ dbt.listagg('cast(reply_no as ' ~ dbt.type_string() ~ ')', "'、'", 'order by reply_no') }} as numbers,
        min(source_file) as source_file,
        min(source_row_number) as source_row_number
    from replies
    group by prefecture_code, suggestion_id, unit
),

reply_no_gaps as (
    select
        prefecture_code,
        suggestion_id,
        unit,
        last_no as reply_no,
        'reply_no_gap' as rule_id,
        '答复序号不连续' as rule_zh,
        concat('建议 ', suggestion_id, ' 的办理单位“', unit, '”的答复序号为 ', numbers,
            '，应从 1 起连续编号（1、2、…）') as message,
        source_file,
        source_row_number
    from numbering
    where first_no <> 1 or last_no <> replies
),

final as (
    select * from before_assignment
    union all
    select * from unknown_suggestion
    union all
    select * from rehandling_without_dissatisfaction
    union all
    select * from reply_no_gaps
)

select * from final
