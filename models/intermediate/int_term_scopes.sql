-- Which scopes a congress's term is reported for: the region, and each prefecture and county
-- where that congress has deputies.
with deputies as (
    select * from {{ ref('int_deputy_terms') }}
),

pairs as (
    select distinct 'region' as scope_level, '{{ var("region_code") }}' as scope_code, congress_code
    from deputies
    union all
    select distinct 'prefecture', prefecture_code, congress_code
    from deputies
    where prefecture_code is not null
    union all
    select distinct 'county', county, congress_code
    from deputies
    where county is not null
),

final as (
    select distinct scope_level, scope_code, congress_code
    from pairs
)

select * from final
