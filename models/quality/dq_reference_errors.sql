-- 数据质量：引用了名册或会议表中不存在的编号的记录。这些记录不计入指标，待补报后自动恢复。
-- References to a deputy, meeting or station no file has delivered: left out of the indicators
-- until it arrives (a reception at an unknown station still counts, without a county).
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

stations as (
    select station_id from {{ ref('stg_raw__stations') }}
),

motion_deputies as (
    select 'motions', motion_id, 'lead_deputy_id', '领衔代表编号', lead_deputy_id, prefecture_code, source_file, source_row_number
    from {{ ref('stg_raw__motions') }}
    where lead_deputy_id not in (select deputy_id from deputies)
),

-- Cosigners (附议/联名) are reported against the record that names them.
cosigner_deputies as (
    select
        case when signers.record_kind = 'motion' then 'motions' else 'suggestions' end,
        signers.record_id,
        'cosigner_ids',
        case when signers.record_kind = 'motion' then '附议代表编号' else '联名代表编号' end,
        signers.deputy_id,
        coalesce(motions.prefecture_code, suggestions.prefecture_code),
        coalesce(motions.source_file, suggestions.source_file),
        coalesce(motions.source_row_number, suggestions.source_row_number)
    from {{ ref('int_signers') }} as signers
    left join {{ ref('stg_raw__motions') }} as motions
        on signers.record_kind = 'motion' and signers.record_id = motions.motion_id
    left join {{ ref('stg_raw__suggestions') }} as suggestions
        on signers.record_kind = 'suggestion' and signers.record_id = suggestions.suggestion_id
    where signers.signer_role = 'cosigner'
        and signers.deputy_id not in (select deputy_id from deputies)
),

activity_deputies as (
    select 'activities', concat(activity_id, ' / ', deputy_id), 'deputy_id', '代表编号', deputy_id, prefecture_code, source_file, source_row_number
    from {{ ref('stg_raw__activities') }}
    where deputy_id not in (select deputy_id from deputies)
),

liaison_deputies as (
    select 'liaison', concat(member_name, ' / ', deputy_id, ' / ', cast(year as {{ dbt.type_string() }})), 'deputy_id', '代表编号', deputy_id, prefecture_code, source_file, source_row_number
    from {{ ref('stg_raw__liaison') }}
    where deputy_id not in (select deputy_id from deputies)
),

contact_deputies as (
    select 'contacts', concat(member_name, ' / ', deputy_id, ' / ', cast(contact_date as {{ dbt.type_string() }})), 'deputy_id', '代表编号', deputy_id, prefecture_code, source_file, source_row_number
    from {{ ref('stg_raw__contacts') }}
    where deputy_id not in (select deputy_id from deputies)
),

reception_deputies as (
    select 'receptions', concat(station_id, ' / ', deputy_id, ' / ', cast(reception_date as {{ dbt.type_string() }})), 'deputy_id', '代表编号', deputy_id, prefecture_code, source_file, source_row_number
    from {{ ref('stg_raw__receptions') }}
    where deputy_id not in (select deputy_id from deputies)
),

reception_stations as (
    select 'receptions', concat(station_id, ' / ', deputy_id, ' / ', cast(reception_date as {{ dbt.type_string() }})), 'station_id', '站点编号', station_id, prefecture_code, source_file, source_row_number
    from {{ ref('stg_raw__receptions') }}
    where station_id not in (select station_id from stations)
),

training_deputies as (
    select 'trainings', concat(training_id, ' / ', deputy_id), 'deputy_id', '代表编号', deputy_id, prefecture_code, source_file, source_row_number
    from {{ ref('stg_raw__trainings') }}
    where deputy_id not in (select deputy_id from deputies)
),

final as (
    select * from suggestion_deputies
    union all
    select * from attendance_deputies
    union all
    select * from attendance_meetings
    union all
    select * from motion_deputies
    union all
    select * from cosigner_deputies
    union all
    select * from activity_deputies
    union all
    select * from liaison_deputies
    union all
    select * from contact_deputies
    union all
    select * from reception_deputies
    union all
    select * from reception_stations
    union all
    select * from training_deputies
)

select
    *,
    concat('“', header, '”中的编号“', referenced_id, '”在已导入的名册/会议中不存在') as message
from final
