with days as (
    select * from {{ ref('int_calendar_days') }}
),

final as (
    select
        date_day,
        year_number,
        quarter_number,
        month_number,
        concat(cast(year_number as {{ dbt.type_string() }}), 'Q', cast(quarter_number as {{ dbt.type_string() }})) as quarter_label,
        concat(cast(year_number as {{ dbt.type_string() }}), '-', lpad(cast(month_number as {{ dbt.type_string() }}), 2, '0')) as month_label
    from days
)

select * from final
