-- Region and prefecture scopes, so that every indicator has a row for every prefecture (no data = null value).
with prefectures as (
    select * from {{ ref('prefectures') }}
),

final as (
    select
        'region' as scope_level,
        '{{ var("region_code") }}' as scope_code,
        '{{ var("region_name") }}' as scope_name
    union all
    select
        'prefecture' as scope_level,
        prefecture_code as scope_code,
        prefecture_name as scope_name
    from prefectures
)

select * from final
