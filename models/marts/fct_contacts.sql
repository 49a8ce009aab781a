-- 联系记录: one row per contact of a member with a linked deputy, dated by the as-of date;
-- is_assigned tells whether a liaison assignment of that year covers the pair.
with contacts as (
    select * from {{ ref('stg_raw__contacts') }}
    where contact_date <= {{ as_of() }}
),

assignments as (
    select distinct member_name, deputy_id, year
    from {{ ref('stg_raw__liaison') }}
),

deputies as (
    select deputy_id from {{ ref('int_deputy_terms') }}
),

final as (
    select
        contacts.member_name,
        contacts.deputy_id,
        contacts.contact_date,
        year(contacts.contact_date) as contact_year,
        contacts.method,
        contacts.prefecture_code,
        assignments.deputy_id is not null as is_assigned,
        deputies.deputy_id is not null as has_known_deputy,
        contacts.source_file,
        contacts.source_row_number
    from contacts
    left join assignments
        on contacts.member_name = assignments.member_name
        and contacts.deputy_id = assignments.deputy_id
        and year(contacts.contact_date) = assignments.year
    left join deputies on contacts.deputy_id = deputies.deputy_id
)

select * from final
