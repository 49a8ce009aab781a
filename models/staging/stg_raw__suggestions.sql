-- 建议: the current version of each key (suggestion_id); earlier versions stay in raw.
with current_rows as (
    {{ current_version('suggestions', ['suggestion_id']) }}
),

final as (
    select
        suggestion_id,
        lead_deputy_id,
        cosigner_ids,
        channel,
        category,
        title,
        submitted_on,
        assigned_on,
        lead_unit,
        co_units,
        is_key_supervised,
        extended_due,
        replied_on,
        reply_class,
        satisfaction,
        concluded_on,
        county,
        supervising_leader,
        prefecture_code,
        _batch_id as source_batch_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from current_rows
)

select * from final
