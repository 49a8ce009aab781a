-- 家室站页（仪表盘）“进站接待”表: per year and quarter, the receptions at each station (fct_receptions,
-- up to the as-of date) with the visitors and the opinions collected and resolved, per prefecture
-- and county as the receptions carry them. The page counted them from ~250,000 receptions at region
-- scale on its first view (~10 ms); it now adds up at most one row per station and county of its
-- period and scope. A term (any span of days) is still counted from fct_receptions.
with receptions as (
    select
        station_id,
        prefecture_code,
        county,
        reception_date,
        visitors,
        opinions_collected,
        opinions_resolved
    from {{ ref('fct_receptions') }}
),

reception_periods as (
    {{ in_periods('receptions', 'reception_date', period_types=['quarter', 'year']) }}
),

final as (
    select
        period_type,
        period_label,
        period_start,
        period_end,
        prefecture_code,
        county,
        station_id,
        count(*) as receptions,
        cast(sum(visitors) as bigint) as visitors,
        cast(sum(opinions_collected) as bigint) as opinions_collected,
        cast(sum(opinions_resolved) as bigint) as opinions_resolved
    from reception_periods
    group by period_type, period_label, period_start, period_end, prefecture_code, county, station_id
)

select * from final
