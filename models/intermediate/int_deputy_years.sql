-- Each deputy and calendar year (up to the as-of date) they served at least one day in, with the
-- days served: a deputy's denominators cover only these days (elected mid-year, left office).
with deputies as (
    select * from {{ ref('int_deputy_terms') }}
),

years as (
    select * from {{ ref('int_periods') }}
    where period_type = 'year'
),

-- The last day served: the day before leaving office, else the term's end.
last_days as (
    select
        deputy_id,
        name,
        prefecture_code,
        county,
        level,
        congress_code,
        is_leader,
        serving_from,
        case
            when left_on is not null and (term_end is null or left_on <= term_end)
                then cast({{ dbt.dateadd('day', -1, 'left_on') }} as date)
            else term_end
        end as last_serving_day
    from deputies
),

overlapping as (
    select
        last_days.*,
        years.period_label,
        cast(years.period_label as integer) as year_number,
        years.period_start as year_start,
        years.measured_until as year_measured_until,
        case
            when last_days.serving_from > years.period_start then last_days.serving_from
            else years.period_start
        end as served_from,
        case
            when last_days.last_serving_day is not null
                and last_days.last_serving_day < years.measured_until
                then last_days.last_serving_day
            else years.measured_until
        end as served_until
    from last_days
    inner join years
        on last_days.serving_from <= years.measured_until
        and (last_days.last_serving_day is null or last_days.last_serving_day >= years.period_start)
),

final as (
    select
        deputy_id,
        year_number,
        period_label,
        name,
        prefecture_code,
        county,
        level,
        congress_code,
        is_leader,
        served_from,
        served_until,
        {{ dbt.datediff('served_from', 'served_until', 'day') }} + 1 as days_served
    from overlapping
    where served_from <= served_until
)

select * from final
