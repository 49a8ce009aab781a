-- 建议办理全过程指标 (DOMAIN "With reply records"): re-handling after 不满意, final satisfaction,
-- attitude and consultation of the units' substantive replies, B promises kept, suggestions due
-- soon (the 催办 list) and key-supervised suggestions. Cohort: suggestions assigned in the period
-- (assigned_on <= as-of), lead deputy known; replies count by their suggestion's cohort.
-- Scopes: region, prefecture, county - each suggestion once - and handling unit (years and terms):
-- each suggestion once per unit with the unit's own replies (fct_suggestion_handling), each reply
-- row by the unit that sent it. key_supervised_count has no handling-unit rows (supervision is of
-- the suggestion); its split by supervising_leader is a breakdown in fct_suggestions.
with {{ suggestion_cohort(
    ['has_dissatisfaction', 'is_rehandled', 'satisfaction', 'has_feedback', 'is_due_soon', 'is_key_supervised'],
    handling_values={'is_key_supervised': 'false'},
) }},

replies as (
    select
        suggestion_id,
        prefecture_code,
        county,
        -- A unit the suggestion does not name (未列明) has no handling-unit rows.
        case when unit_role <> '未列明' then handling_unit_id end as handling_unit_id,
        congress_code,
        assigned_on,
        has_attitude_feedback,
        attitude_satisfaction,
        has_consultation_recorded,
        was_consulted,
        is_b_promise and promise_due_on < {{ as_of() }} as is_promise_due,
        promise_status
    from {{ ref('fct_suggestion_replies') }}
    where is_substantive and assigned_on is not null and has_known_deputy
),

reply_periods as (
    {{ in_periods('replies', 'assigned_on', 'congress_code') }}
),

replies_scoped as (
    {{ in_scopes('reply_periods', ['region', 'prefecture', 'county']) }}
    union all
    select * from ({{ in_scopes('reply_periods', ['handling_unit']) }}) as unit_replies
    where period_type in ('year', 'term')
),

suggestion_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(suggestion_id) as assigned,
        count(case when has_dissatisfaction then 1 end) as dissatisfied,
        count(case when has_dissatisfaction and is_rehandled then 1 end) as rehandled,
        count(case when has_feedback then 1 end) as with_feedback,
        count(case when satisfaction in ('满意', '基本满意') then 1 end) as satisfied,
        count(case when is_due_soon then 1 end) as due_soon,
        count(case when is_key_supervised then 1 end) as key_supervised,
        0 as attitude_rated,
        0 as attitude_satisfied,
        0 as consultation_recorded,
        0 as consulted,
        0 as promises_due,
        0 as promises_kept
    from suggestions_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

reply_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        0 as assigned,
        0 as dissatisfied,
        0 as rehandled,
        0 as with_feedback,
        0 as satisfied,
        0 as due_soon,
        0 as key_supervised,
        count(case when has_attitude_feedback then 1 end) as attitude_rated,
        count(case when has_attitude_feedback and attitude_satisfaction in ('满意', '基本满意') then 1 end)
            as attitude_satisfied,
        count(case when has_consultation_recorded then 1 end) as consultation_recorded,
        count(case when has_consultation_recorded and was_consulted then 1 end) as consulted,
        count(case when is_promise_due then 1 end) as promises_due,
        count(case when is_promise_due and promise_status = 'kept' then 1 end) as promises_kept
    from replies_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        sum(assigned) as assigned,
        sum(dissatisfied) as dissatisfied,
        sum(rehandled) as rehandled,
        sum(with_feedback) as with_feedback,
        sum(satisfied) as satisfied,
        sum(due_soon) as due_soon,
        sum(key_supervised) as key_supervised,
        sum(attitude_rated) as attitude_rated,
        sum(attitude_satisfied) as attitude_satisfied,
        sum(consultation_recorded) as consultation_recorded,
        sum(consulted) as consulted,
        sum(promises_due) as promises_due,
        sum(promises_kept) as promises_kept
    from (
        select * from suggestion_aggregated
        union all
        select * from reply_aggregated
    ) as both_kinds
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

grid as (
    {{ scope_period_grid(['region', 'prefecture', 'county'], ['month', 'quarter', 'year', 'term']) }}
),

counts as (
    {{ fill_grid('grid', 'aggregated',
        ['assigned', 'dissatisfied', 'rehandled', 'with_feedback', 'satisfied', 'due_soon', 'key_supervised',
         'attitude_rated', 'attitude_satisfied', 'consultation_recorded', 'consulted', 'promises_due',
         'promises_kept']) }}
),

final as (
    {{ indicator_rows('suggestion_rehandling_rate', 'rehandled', 'dissatisfied') }}
    union all
    {{ indicator_rows('suggestion_final_satisfaction_rate', 'satisfied', 'with_feedback') }}
    union all
    {{ indicator_rows('suggestion_attitude_satisfaction_rate', 'attitude_satisfied', 'attitude_rated') }}
    union all
    {{ indicator_rows('suggestion_consultation_rate', 'consulted', 'consultation_recorded') }}
    union all
    {{ indicator_rows('promise_kept_rate', 'promises_kept', 'promises_due') }}
    union all
    {{ indicator_rows('suggestion_due_soon_count', 'due_soon', 'assigned', value='due_soon') }}
    union all
    select * from ({{ indicator_rows('key_supervised_count', 'key_supervised', 'assigned', value='key_supervised') }}) as key_rows
    where scope_level <> 'handling_unit'
)

select * from final
