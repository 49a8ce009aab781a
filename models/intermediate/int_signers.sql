-- 领衔与联名/附议: one row per motion or suggestion and deputy who signed it, the lead (领衔) and
-- each cosigner (macros/signers.sql). A lead listed again among the cosigners counts once, as lead.
with suggestions as (
    select * from {{ ref('stg_raw__suggestions') }}
),

suggestion_signers as (
    {{ signers('suggestions', 'suggestion', 'suggestion_id') }}
),

final as (
    select * from {{ ref('int_motion_signers') }}
    union all
    select * from suggestion_signers
)

select * from final
