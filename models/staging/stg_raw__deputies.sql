-- 代表名册: the current version of each key (deputy_id); earlier versions stay in raw.
with current_rows as (
    {{ current_version('deputies', ['deputy_id']) }}
),

final as (
    select
        deputy_id,
        name,
        gender,
        ethnicity,
        birth_year,
        level,
        congress_code,
        electoral_unit,
        is_grassroots,
        is_leader,
        group_id,
        station_id,
        county,
        term_start,
        term_end,
        status,
        status_date,
        id_card_hash,
        {{ mask_phone('phone') }} as phone_masked,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
