-- Each calendar day with the month, quarter and year periods containing it: facts find their
-- periods by an equi-join on the day instead of a range join against every period.
with days as (
    select * from {{ ref('int_calendar_days') }}
),

periods as (
    select * from {{ ref('int_periods') }}
    where period_type in ('month', 'quarter', 'year')
),

final as (
    select
        days.date_day,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.measured_until
    from periods
    inner join days
        on days.date_day between periods.period_start and periods.period_end
)

select * from final
