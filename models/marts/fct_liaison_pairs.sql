-- 联系代表: one row per assignment (member, role, linked deputy, year) for years up to the as-of
-- date, with the member's contacts with that deputy in that year (dated by the as-of date).
-- Compliant (第六十八条): at least two contacts in the year.
with assignments as (
    select * from {{ ref('stg_raw__liaison') }}
    where year <= year({{ as_of() }})
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

deputies as (
    select deputy_id from {{ ref('int_deputy_terms') }}
),

contact_counts as (
    select
        member_name,
        deputy_id,
        contact_year,
        count(*) as contacts_in_year,
        max(contact_date) as last_contact_on
    from contacts
    group by member_name, deputy_id, contact_year
),

final as (
    select
        assignments.member_name,
        assignments.member_role,
        assignments.deputy_id,
        assignments.year,
        assignments.prefecture_code,
        coalesce(contact_counts.contacts_in_year, 0) as contacts_in_year,
        contact_counts.last_contact_on,
        coalesce(contact_counts.contacts_in_year, 0) >= 2 as is_compliant,
        deputies.deputy_id is not null as has_known_deputy,
        assignments.source_file,
        assignments.source_row_number
    from assignments
    left join contact_counts
        on assignments.member_name = contact_counts.member_name
        and assignments.deputy_id = contact_counts.deputy_id
        and assignments.year = contact_counts.contact_year
    left join deputies on assignments.deputy_id = deputies.deputy_id
)

select * from final
