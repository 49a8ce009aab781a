-- 领衔与联名/附议: one row per motion or suggestion and deputy who signed it, the lead (领衔) and
-- each cosigner. A lead listed again among the cosigners counts once, as lead.
with motions as (
    select * from {{ ref('stg_raw__motions') }}
),

suggestions as (
    select * from {{ ref('stg_raw__suggestions') }}
),

motion_cosigners as (
    {{ split_list('motions', ['motion_id'], 'cosigner_ids') }}
),

suggestion_cosigners as (
    {{ split_list('suggestions', ['suggestion_id'], 'cosigner_ids') }}
),

all_signers as (
    select 'motion' as record_kind, motion_id as record_id, lead_deputy_id as deputy_id, 'lead' as signer_role, 0 as item_position
    from motions
    union all
    select 'motion', motion_id, item, 'cosigner', item_position
    from motion_cosigners
    where item <> ''
    union all
    select 'suggestion', suggestion_id, lead_deputy_id, 'lead', 0
    from suggestions
    union all
    select 'suggestion', suggestion_id, item, 'cosigner', item_position
    from suggestion_cosigners
    where item <> ''
),

deduplicated as (
    select
        *,
        row_number() over (
            partition by record_kind, record_id, deputy_id order by item_position
        ) as rank_of_signer
    from all_signers
),

final as (
    select
        record_kind,
        record_id,
        deputy_id,
        signer_role
    from deduplicated
    where rank_of_signer = 1
)

select * from final
