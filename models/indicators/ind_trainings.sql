-- 培训指标 (第六十三条). Cohorts of deputies (lead deputy known by the roster), by their congress's
-- term (period 'term') or by the year their service began (period 'year'); scopes region and
-- prefecture (the deputy's).
-- induction_training_coverage: deputies of the cohort with a 任职培训 dated from six months before
--   their own term_start (normally held before the first session, 第六十三条) to the as-of date /
--   deputies of the cohort (serving_from <= as-of).
-- duty_training_coverage: deputies whose first year of service has begun by the as-of date with a
--   履职培训 in that first year (serving_from to serving_from + 12 months, by the as-of date) /
--   those deputies (a deputy still in the first year counts, as the catalogue defines).
with deputies as (
    select * from {{ ref('int_deputy_terms') }}
    where serving_from <= {{ as_of() }}
),

trainings as (
    select * from {{ ref('fct_trainings') }}
    where has_known_deputy
),

inducted as (
    select distinct trainings.deputy_id
    from trainings
    inner join deputies on trainings.deputy_id = deputies.deputy_id
    where trainings.training_type = '任职培训'
        and trainings.training_date >= {{ dbt.dateadd('month', -6, 'deputies.serving_from') }}
),

duty_trained as (
    select distinct trainings.deputy_id
    from trainings
    inner join deputies on trainings.deputy_id = deputies.deputy_id
    where trainings.training_type = '履职培训'
        and trainings.training_date >= deputies.serving_from
        and trainings.training_date < {{ dbt.dateadd('month', 12, 'deputies.serving_from') }}
),

cohort as (
    select
        deputies.deputy_id,
        deputies.prefecture_code,
        deputies.congress_code,
        deputies.serving_from,
        case when inducted.deputy_id is not null then 1 else 0 end as has_induction,
        case when duty_trained.deputy_id is not null then 1 else 0 end as has_duty_training
    from deputies
    left join inducted on deputies.deputy_id = inducted.deputy_id
    left join duty_trained on deputies.deputy_id = duty_trained.deputy_id
),

cohort_periods as (
    {{ in_periods('cohort', 'serving_from', 'congress_code', period_types=['year', 'term']) }}
),

scoped as (
    {{ in_scopes('cohort_periods', ['region', 'prefecture']) }}
),

aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(deputy_id) as deputies,
        sum(has_induction) as inducted,
        sum(has_duty_training) as duty_trained
    from scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['year', 'term']) }}
),

counts as (
    {{ fill_grid('grid', 'aggregated', ['deputies', 'inducted', 'duty_trained']) }}
),

final as (
    {{ indicator_rows('induction_training_coverage', 'inducted', 'deputies') }}
    union all
    {{ indicator_rows('duty_training_coverage', 'duty_trained', 'deputies') }}
)

select * from final
