-- Counties as the records carry them (name in 县区 of rosters, stations and suggestions), one row
-- per name with the prefecture most of its records belong to.
with named as (
    select county, prefecture_code from {{ ref('stg_raw__deputies') }}
    union all
    select county, prefecture_code from {{ ref('stg_raw__stations') }}
    union all
    select county, prefecture_code from {{ ref('stg_raw__suggestions') }}
),

per_prefecture as (
    select
        county,
        prefecture_code,
        count(*) as records
    from named
    where county is not null and trim(county) <> '' and prefecture_code is not null
    group by county, prefecture_code
),

ranked as (
    select
        county,
        prefecture_code,
        records,
        count(*) over (partition by county) as prefecture_count,
        row_number() over (partition by county order by records desc, prefecture_code) as rank_in_county
    from per_prefecture
),

final as (
    select
        county,
        prefecture_code,
        prefecture_count
    from ranked
    where rank_in_county = 1
)

select * from final
