-- 建议办理页（仪表盘）的答复类别、代表满意度与“重点督办（按督办领导）”: per year and quarter, for the
-- region, each prefecture and each county, the suggestions assigned in the period that were replied
-- or are under key supervision, counted per reply class, rating, supervising leader and state. The
-- page added these up from a scan of fct_suggestions on its first view (~4-5 ms at region scale); a
-- term (any span of days) is still counted there. Deputies no roster knows are left out.
with suggestions as (
    select
        prefecture_code,
        county,
        assigned_on,
        reply_class,
        coalesce(satisfaction, '未反馈') as rating,
        coalesce(supervising_leader, '未注明') as leader,
        is_replied,
        is_key_supervised,
        is_overdue
    from {{ ref('fct_suggestions') }}
    where has_known_deputy and (is_replied or is_key_supervised)
),

suggestion_periods as (
    {{ in_periods('suggestions', 'assigned_on', period_types=['quarter', 'year']) }}
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
        reply_class,
        rating,
        leader,
        is_replied,
        is_key_supervised,
        is_overdue,
        count(*) as suggestions
    from suggestions_scoped
    group by
        period_type,
        period_label,
        period_start,
        period_end,
        scope_level,
        scope_code,
        case when scope_level <> 'region' then prefecture_code end,
        reply_class,
        rating,
        leader,
        is_replied,
        is_key_supervised,
        is_overdue
)

select * from final
