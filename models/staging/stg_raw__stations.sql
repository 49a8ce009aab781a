-- 家室站: the current version of each key (station_id); earlier versions stay in raw.
with current_rows as (
    {{ current_version('stations', ['station_id']) }}
),

final as (
    select
        station_id,
        name,
        station_type,
        county,
        township,
        has_site,
        has_sign,
        has_equipment,
        has_staff,
        has_rules,
        has_plan,
        has_activities,
        has_records,
        has_ledger,
        has_funds,
        established_on,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
