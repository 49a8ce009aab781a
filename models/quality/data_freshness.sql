-- 数据报送情况：每个地州市最后一次报送与入库、行数与隔离行数，供判断低比率是真实还是迟报。
with prefectures as (
    select * from {{ ref('prefectures') }}
),

batches as (
    select * from {{ ref('stg_raw__batches') }}
),

per_prefecture as (
    select
        prefecture_code,
        count(*) as files_loaded,
        max(submitted_on) as last_submitted_on,
        max(loaded_at) as last_loaded_at,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined
    from batches
    group by prefecture_code
),

final as (
    select
        prefectures.prefecture_code,
        prefectures.prefecture_name,
        coalesce(per_prefecture.files_loaded, 0) as files_loaded,
        per_prefecture.last_submitted_on,
        per_prefecture.last_loaded_at,
        coalesce(per_prefecture.rows_loaded, 0) as rows_loaded,
        coalesce(per_prefecture.rows_quarantined, 0) as rows_quarantined
    from prefectures
    left join per_prefecture on prefectures.prefecture_code = per_prefecture.prefecture_code
)

select * from final
