-- The region and its 14 prefectures: the scopes of the families reported at those levels only.
-- Apart from int_scopes (counties, handling units and deputies come from records), so a new
-- suggestions file does not rebuild the activity, meeting or training indicators (issue 20).
with prefectures as (
    select * from {{ ref('prefectures') }}
),

final as (
    select
        'region' as scope_level,
        '{{ var("region_code") }}' as scope_code,
        '{{ var("region_name") }}' as scope_name,
        cast(null as {{ dbt.type_string() }}) as prefecture_code
    union all
    select
        'prefecture' as scope_level,
        prefecture_code as scope_code,
        prefecture_name as scope_name,
        prefecture_code
    from prefectures
)

select * from final
