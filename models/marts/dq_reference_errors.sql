-- 数据质量：引用了名册或会议表中不存在的编号的记录。这些记录不计入指标，待补报后自动恢复。
-- References to a deputy or meeting no file has delivered: left out of the indicators until it arrives.
with deputies as (
    select deputy_id from {{ ref('stg_raw__deputies') }}
),

meetings as (
    select meeting_id from {{ ref('stg_raw__meetings') }}
),

suggestion_deputies as (
    select
        'suggestions' as kind,
        suggestion_id as record_key,
        'lead_deputy_id' as column_name,
        '领衔代表编号' as header,
        lead_deputy_id as referenced_id,
        prefecture_code,
        source_file,
        source_row_number
    from {{ ref('stg_raw__suggestions') }}
    where lead_deputy_id not in (select deputy_id from deputies)
),

attendance_deputies as (
    select
        'attendance',
        concat(meeting_id, ' / ', deputy_id),
        'deputy_id',
        '代表编号',
        deputy_id,
        prefecture_code,
        source_file,
        source_row_number
    from {{ ref('stg_raw__attendance') }}
    where deputy_id not in (select deputy_id from deputies)
),

attendance_meetings as (
    select
        'attendance',
        concat(meeting_id, ' / ', deputy_id),
        'meeting_id',
        '会议编号',
        meeting_id,
        prefecture_code,
        source_file,
        source_row_number
    from {{ ref('stg_raw__attendance') }}
    where meeting_id not in (select meeting_id from meetings)
),

final as (
    select * from suggestion_deputies
    union all
    select * from attendance_deputies
    union all
    select * from attendance_meetings
)

select
    *,
    concat('“', header, '”中的编号“', referenced_id, '”在已导入的名册/会议中不存在') as message
from final
