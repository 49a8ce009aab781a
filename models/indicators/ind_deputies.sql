-- 代表个人指标. deputy_duty_score (第九十五条): per deputy and year, Σ weight × count from
-- deputy_profile (weights: seed duty_score_weights). numerator = the score, denominator = the days
-- served in the year (so a part-year shows as such and, under the minimum, as 样本不足), value = the score.
with profiles as (
    select * from {{ ref('deputy_profile') }}
),

years as (
    select * from {{ ref('int_periods') }}
    where period_type = 'year'
),

scores as (
    select
        'deputy' as scope_level,
        profiles.deputy_id as scope_code,
        years.period_type,
        years.period_label,
        years.period_start,
        years.period_end,
        profiles.duty_score,
        profiles.days_served
    from profiles
    inner join years on profiles.year_number = cast(years.period_label as integer)
),

final as (
    {{ indicator_rows('deputy_duty_score', 'duty_score', 'days_served', value='duty_score', from='scores') }}
)

select * from final
