-- 议案: one row per motion submitted by the as-of date. Assignment and conclusion dated after the
-- as-of date do not exist yet. congress_code: the lead deputy's congress (for term periods).
with motions as (
    select * from {{ ref('stg_raw__motions') }}
    where submitted_on <= {{ as_of() }}
),

deputies as (
    select deputy_id, congress_code from {{ ref('int_deputy_terms') }}
),

signers as (
    select
        record_id as motion_id,
        count(*) as signer_count
    from {{ ref('int_motion_signers') }}
    group by record_id
),

final as (
    select
        motions.motion_id,
        motions.meeting_id,
        motions.prefecture_code,
        motions.lead_deputy_id,
        motions.cosigner_ids,
        coalesce(signers.signer_count, 1) as signer_count,
        motions.title,
        motions.submitted_on,
        motions.decision,
        coalesce(motions.decision = '列为议案', false) as is_accepted,
        case when motions.assigned_on <= {{ as_of() }} then motions.assigned_on end as assigned_on,
        case when motions.concluded_on <= {{ as_of() }} then motions.concluded_on end as concluded_on,
        coalesce(motions.concluded_on <= {{ as_of() }}, false) as is_concluded,
        deputies.deputy_id is not null as has_known_deputy,
        deputies.congress_code,
        {{ as_of() }} as as_of,
        motions.source_file,
        motions.source_row_number
    from motions
    left join deputies on motions.lead_deputy_id = deputies.deputy_id
    left join signers on motions.motion_id = signers.motion_id
)

select * from final
