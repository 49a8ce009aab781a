-- 建议办理指标. Cohort: suggestions assigned in the period (assigned_on <= as-of), lead deputy known.
-- Scopes: region, prefecture, county (as the suggestion names it) - each suggestion once - and
-- handling unit - each suggestion once per unit (lead and co-units), years and terms only. Periods: month, quarter,
-- year, and the term of the lead deputy's congress.
with {{ suggestion_cohort([
    'is_replied', 'is_replied_on_time', 'due_on', 'concluded_on', 'reply_class', 'satisfaction', 'has_feedback',
    'has_extension', 'is_overdue', 'days_to_reply',
]) }},

aggregated as (
    select
        scope_level,
        scope_code,
        period_type,
        period_label,
        period_start,
        period_end,
        count(suggestion_id) as assigned,
        count(case when is_replied then 1 end) as replied,
        count(case when is_replied or due_on < {{ as_of() }} then 1 end) as due_or_replied,
        count(case when is_replied_on_time then 1 end) as replied_on_time,
        count(case when concluded_on is not null then 1 end) as concluded,
        count(case when reply_class = 'A' then 1 end) as class_a,
        count(case when reply_class in ('A', 'B') then 1 end) as class_a_or_b,
        count(case when has_feedback then 1 end) as with_feedback,
        count(case when satisfaction in ('满意', '基本满意') then 1 end) as satisfied,
        count(case when satisfaction = '满意' then 1 end) as fully_satisfied,
        count(case when has_extension then 1 end) as extended,
        count(case when is_overdue then 1 end) as overdue,
        {{ median('days_to_reply') }} as median_days_to_reply
    from suggestions_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

grid as (
    {{ scope_period_grid(['region', 'prefecture', 'county'], ['month', 'quarter', 'year', 'term']) }}
),

counts as (
    {{ fill_grid('grid', 'aggregated',
        ['assigned', 'replied', 'due_or_replied', 'replied_on_time', 'concluded', 'class_a', 'class_a_or_b',
         'with_feedback', 'satisfied', 'fully_satisfied', 'extended', 'overdue'],
        ['median_days_to_reply']) }}
),

final as (
    {{ indicator_rows('suggestion_reply_rate', 'replied', 'assigned') }}
    union all
    {{ indicator_rows('suggestion_on_time_reply_rate', 'replied_on_time', 'due_or_replied') }}
    union all
    {{ indicator_rows('suggestion_completion_rate', 'concluded', 'assigned') }}
    union all
    {{ indicator_rows('suggestion_resolution_rate', 'class_a', 'replied') }}
    union all
    {{ indicator_rows('suggestion_in_progress_rate', 'class_a_or_b', 'replied') }}
    union all
    {{ indicator_rows('suggestion_satisfaction_rate', 'satisfied', 'with_feedback') }}
    union all
    {{ indicator_rows('suggestion_fully_satisfied_rate', 'fully_satisfied', 'with_feedback') }}
    union all
    {{ indicator_rows('suggestion_feedback_rate', 'with_feedback', 'replied') }}
    union all
    {{ indicator_rows('suggestion_solved_or_planned_rate', 'class_a_or_b', 'assigned') }}
    union all
    {{ indicator_rows('suggestion_extension_rate', 'extended', 'assigned') }}
    union all
    {{ indicator_rows('suggestion_overdue_count', 'overdue', 'assigned', value='overdue') }}
    union all
    {{ indicator_rows('suggestion_median_days_to_reply', 'median_days_to_reply', 'replied', value='median_days_to_reply') }}
)

select * from final
