-- Motions and suggestions a deputy led or co-signed per year while serving, with their points
-- (duty_score_weights): the part of deputy_profile a motions or suggestions file changes.
with signers as (
    select * from {{ ref('int_signers') }}
),

motions as (
    select * from {{ ref('fct_motions') }}
),

suggestions as (
    select * from {{ ref('fct_suggestions') }}
),

events as (
    select signers.deputy_id, motions.submitted_on as event_on,
        case when signers.signer_role = 'lead' then 'motion_led' else 'motion_cosigned' end as component,
        1 as quantity
    from signers
    inner join motions on signers.record_kind = 'motion' and signers.record_id = motions.motion_id
    union all
    select signers.deputy_id, suggestions.submitted_on,
        case when signers.signer_role = 'lead' then 'suggestion_led' else 'suggestion_cosigned' end, 1
    from signers
    inner join suggestions on signers.record_kind = 'suggestion' and signers.record_id = suggestions.suggestion_id
),

{{ served_counts_per_year([
    ('motion_led', 'motions_led'), ('motion_cosigned', 'motions_cosigned'),
    ('suggestion_led', 'suggestions_led'), ('suggestion_cosigned', 'suggestions_cosigned'),
]) }}

select * from final
