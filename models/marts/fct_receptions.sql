-- 接待: one row per reception of constituents by a deputy at a station, dated by the as-of date,
-- with the station's county. Counts only: no record about the persons received.
with receptions as (
    select * from {{ ref('stg_raw__receptions') }}
    where reception_date <= {{ as_of() }}
),

stations as (
    select * from {{ ref('dim_station') }}
    where not is_missing_member
),

deputies as (
    select deputy_id, is_leader from {{ ref('int_deputy_terms') }}
),

final as (
    select
        receptions.station_id,
        receptions.deputy_id,
        receptions.reception_date,
        coalesce(receptions.visitors, 0) as visitors,
        coalesce(receptions.opinions_collected, 0) as opinions_collected,
        coalesce(receptions.opinions_resolved, 0) as opinions_resolved,
        coalesce(receptions.prefecture_code, stations.prefecture_code) as prefecture_code,
        stations.county,
        coalesce(deputies.is_leader, false) as is_leader_deputy,
        deputies.deputy_id is not null as has_known_deputy,
        stations.station_id is not null as has_known_station,
        receptions.source_file,
        receptions.source_row_number
    from receptions
    left join stations on receptions.station_id = stations.station_id
    left join deputies on receptions.deputy_id = deputies.deputy_id
)

select * from final
