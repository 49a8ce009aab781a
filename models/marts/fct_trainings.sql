-- 培训: one row per training and participating deputy, dated by the as-of date.
with trainings as (
    select * from {{ ref('stg_raw__trainings') }}
    where training_date <= {{ as_of() }}
),

deputies as (
    select deputy_id, prefecture_code, congress_code from {{ ref('int_deputy_terms') }}
),

final as (
    select
        trainings.training_id,
        trainings.deputy_id,
        trainings.training_type,
        trainings.training_date,
        coalesce(trainings.prefecture_code, deputies.prefecture_code) as prefecture_code,
        deputies.congress_code,
        deputies.deputy_id is not null as has_known_deputy,
        trainings.source_file,
        trainings.source_row_number
    from trainings
    left join deputies on trainings.deputy_id = deputies.deputy_id
)

select * from final
