-- One row per calendar day (vars calendar_first_day .. calendar_end_day): the spine for dim_date and the reporting periods.
with days as (
    {{ dbt.date_spine('day', "cast('" ~ var('calendar_first_day') ~ "' as date)", "cast('" ~ var('calendar_end_day') ~ "' as date)") }}
),

final as (
    select
        cast(date_day as date) as date_day,
        year(date_day) as year_number,
        quarter(date_day) as quarter_number,
        month(date_day) as month_number
    from days
)

select * from final
