-- 议案的领衔与附议代表: one row per motion and deputy who signed it (macros/signers.sql). Apart from
-- int_signers so that fct_motions does not depend on suggestions: a suggestions file then does
-- not rebuild the motions.
with motions as (
    select * from {{ ref('stg_raw__motions') }}
),

final as (
    {{ signers('motions', 'motion', 'motion_id') }}
)

select * from final
