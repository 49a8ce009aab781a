-- Each deputy's serving window: from term_start, through term_end, until the day they left office
-- (status_date of 辞职/罢免/去世/调离: not serving from that day on).
with deputies as (
    select * from {{ ref('stg_raw__deputies') }}
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
        prefecture_code,
        status,
        status_date,
        phone_masked,
        term_start as serving_from,
        term_end,
        case when status <> '在任' then status_date end as left_on,
        -- Congresses at these levels have a standing committee whose meetings deputies observe (第五十六条).
        level in ('州市', '县区') as has_standing_committee
    from deputies
)

select * from final
