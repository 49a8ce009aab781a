with prefectures as (
    select * from {{ ref('prefectures') }}
),

final as (
    select
        prefecture_code,
        prefecture_name,
        prefecture_name_en,
        prefecture_kind,
        parent_code
    from prefectures
    union all
    -- The "missing member": facts whose prefecture is unknown still join.
    select '000000', '未知', 'Unknown', '未知', '{{ var("region_code") }}'
)

select * from final
