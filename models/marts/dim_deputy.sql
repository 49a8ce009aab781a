-- 代表: one row per deputy (current roster version). Phones masked; ID numbers never here.
with deputies as (
    select * from {{ ref('int_deputy_terms') }}
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
        serving_from,
        term_end,
        left_on,
        has_standing_committee,
        phone_masked,
        {{ is_serving(as_of()) }} as is_serving_at_as_of
    from deputies
)

select * from final
