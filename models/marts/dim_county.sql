-- 县区: one row per county as the records name it (rosters, stations, suggestions), with its
-- prefecture; prefecture_count > 1 flags a name used in several prefectures.
with counties as (
    select * from {{ ref('int_counties') }}
),

prefectures as (
    select * from {{ ref('prefectures') }}
),

final as (
    select
        counties.county,
        counties.prefecture_code,
        prefectures.prefecture_name,
        counties.prefecture_count
    from counties
    left join prefectures on counties.prefecture_code = prefectures.prefecture_code
)

select * from final
