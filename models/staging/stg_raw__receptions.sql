-- 接待: the current version of each key (station_id, deputy_id, reception_date); earlier versions stay in raw.
with current_rows as (
    {{ current_version('receptions', ['station_id', 'deputy_id', 'reception_date']) }}
),

final as (
    select
        station_id,
        deputy_id,
        reception_date,
        visitors,
        opinions_collected,
        opinions_resolved,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
