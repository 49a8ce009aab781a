-- 建议办理页（仪表盘）的办理进度漏斗: per year and quarter, for the region, each prefecture and each
-- county, the suggestions submitted in the period and how many of them were assigned, replied and
-- concluded by the as-of date. The page counted them from fct_suggestions on its first view (~4 ms at
-- region scale); a term (any span of days) is still counted there. Deputies no roster knows are left out.
with suggestions as (
    select
        prefecture_code,
        county,
        submitted_on,
        assigned_on,
        replied_on,
        concluded_on
    from {{ ref('fct_suggestions') }}
    where has_known_deputy
),

suggestion_periods as (
    {{ in_periods('suggestions', 'submitted_on', period_types=['quarter', 'year']) }}
),

suggestions_scoped as (
    {{ in_scopes('suggestion_periods', ['region', 'prefecture', 'county']) }}
),

final as (
    select
        period_type,
        period_label,
        period_start,
        period_end,
        scope_level,
        scope_code,
        case when scope_level <> 'region' then prefecture_code end as prefecture_code,
        count(*) as submitted,
        count(assigned_on) as assigned,
        count(replied_on) as replied,
        count(concluded_on) as concluded
    from suggestions_scoped
    group by
        period_type,
        period_label,
        period_start,
        period_end,
        scope_level,
        scope_code,
        case when scope_level <> 'region' then prefecture_code end
)

select * from final
