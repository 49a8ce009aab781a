-- Reporting periods (month, quarter, year) from the first year with deputies up to the as-of date,
-- and one 'term' period per congress (label = congress code, from the earliest term_start to the
-- latest term_end of its deputies).
with days as (
    select * from {{ ref('int_calendar_days') }}
),

bounds as (
    select year(min(term_start)) as first_year
    from {{ ref('stg_raw__deputies') }}
),

in_range as (
    select days.*
    from days
    cross join bounds
    where days.year_number between bounds.first_year and year({{ as_of() }})
),

months as (
    select
        'month' as period_type,
        concat(cast(year_number as {{ dbt.type_string() }}), '-', lpad(cast(month_number as {{ dbt.type_string() }}), 2, '0')) as period_label,
        min(date_day) as period_start,
        max(date_day) as period_end
    from in_range
    group by year_number, month_number
),

quarters as (
    select
        'quarter' as period_type,
        concat(cast(year_number as {{ dbt.type_string() }}), 'Q', cast(quarter_number as {{ dbt.type_string() }})) as period_label,
        min(date_day) as period_start,
        max(date_day) as period_end
    from in_range
    group by year_number, quarter_number
),

years as (
    select
        'year' as period_type,
        cast(year_number as {{ dbt.type_string() }}) as period_label,
        min(date_day) as period_start,
        max(date_day) as period_end
    from in_range
    group by year_number
),

terms as (
    select
        'term' as period_type,
        congress_code as period_label,
        min(term_start) as period_start,
        -- A congress whose roster gives no term_end is measured up to the as-of date.
        coalesce(max(term_end), {{ as_of() }}) as period_end
    from {{ ref('stg_raw__deputies') }}
    group by congress_code
),

final as (
    select * from months
    union all
    select * from quarters
    union all
    select * from years
    union all
    select * from terms
)

select
    period_type,
    period_label,
    period_start,
    period_end,
    -- The last day that counts: a period still running is measured up to the as-of date.
    case when period_end > {{ as_of() }} then {{ as_of() }} else period_end end as measured_until
from final
where period_start <= {{ as_of() }}
