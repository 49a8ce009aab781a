-- 催办清单: one row per handling unit and suggestion it has not replied to (its own first
-- substantive reply; an interim reply does not count) that is due from the as-of date to 30 days
-- after it - the list behind suggestion_due_soon_count, for the office to chase units before the
-- deadline. With the unit's on-time rate over the last year: its (suggestion, unit) rows assigned
-- in the 12 months up to the as-of date that are due before it or replied, replied on time.
with handling as (
    select * from {{ ref('fct_suggestion_handling') }}
    where has_known_deputy
),

suggestions as (
    select suggestion_id, title, lead_deputy_id, statutory_due_on, extended_due, supervising_leader
    from {{ ref('fct_suggestions') }}
),

last_year as (
    select
        handling_unit_id,
        count(case when is_replied or due_on < {{ as_of() }} then 1 end) as unit_due_or_replied_last_year,
        count(case when is_replied_on_time then 1 end) as unit_on_time_last_year
    from handling
    where assigned_on > {{ dbt.dateadd('month', -12, as_of()) }}
    group by handling_unit_id
),

final as (
    select
        handling.prefecture_code,
        handling.county,
        handling.handling_unit_id,
        handling.unit_name,
        handling.unit_role,
        handling.suggestion_id,
        suggestions.title,
        suggestions.lead_deputy_id,
        handling.assigned_on,
        suggestions.statutory_due_on,
        suggestions.extended_due,
        handling.has_extension,
        handling.due_on,
        handling.days_left,
        handling.is_key_supervised,
        suggestions.supervising_leader,
        coalesce(last_year.unit_on_time_last_year, 0) as unit_on_time_last_year,
        coalesce(last_year.unit_due_or_replied_last_year, 0) as unit_due_or_replied_last_year,
        {{ safe_rate('last_year.unit_on_time_last_year', 'last_year.unit_due_or_replied_last_year') }}
            as unit_on_time_rate_last_year,
        {{ as_of() }} as as_of
    from handling
    inner join suggestions on handling.suggestion_id = suggestions.suggestion_id
    left join last_year on handling.handling_unit_id = last_year.handling_unit_id
    where handling.is_due_soon
)

select * from final
