-- The reply state of each suggestion and of each of its handling units, from int_suggestion_replies
-- (as of the as-of date), one row per suggestion and unit that replied. DOMAIN "With reply records":
-- - a substantive reply is a 正式答复 or 重新办理答复 (a 阶段性答复 does not stop the clock);
-- - a unit's state: its first substantive reply (its timeliness), the class of its latest
--   substantive reply (by reply date, then reply_no), the result rating of its latest substantive
--   reply with feedback;
-- - re-handled: a 重新办理答复 dated on or after the first 不满意 result rating (its feedback date,
--   else its reply date).
-- Suggestion-level columns (suggestion_*) repeat on every unit row of the suggestion: the latest
-- rated substantive reply of any unit (by date, then reply_no, then unit name), the first rated one,
-- and whether any unit was re-handled.
with replies as (
    select * from {{ ref('int_suggestion_replies') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by suggestion_id, prefecture_code, unit_name
            order by case when is_substantive then 0 else 1 end, replied_on desc, reply_no desc
        ) as unit_latest_rank,
        row_number() over (
            partition by suggestion_id, prefecture_code, unit_name
            order by case when is_substantive and has_result_feedback then 0 else 1 end, replied_on desc, reply_no desc
        ) as unit_latest_rated_rank,
        -- Across units, replies of one date and number are ordered by unit name (a fixed tie-break).
        row_number() over (
            partition by suggestion_id, prefecture_code
            order by case when is_substantive and has_result_feedback then 0 else 1 end, replied_on desc, reply_no desc,
                unit_name
        ) as latest_rated_rank,
        row_number() over (
            partition by suggestion_id, prefecture_code
            order by case when is_substantive and has_result_feedback then 0 else 1 end, replied_on, reply_no, unit_name
        ) as first_rated_rank,
        case
            when is_substantive and result_satisfaction = '不满意' then coalesce(feedback_on, replied_on)
        end as dissatisfied_on,
        case when reply_type = '重新办理答复' then replied_on end as rehandled_on
    from replies
),

units as (
    select
        suggestion_id,
        prefecture_code,
        unit_name,
        max(handling_unit_id) as handling_unit_id,
        max(record_source) as record_source,
        count(*) as replies,
        count(case when not is_substantive then 1 end) as interim_replies,
        min(case when is_substantive then replied_on end) as first_replied_on,
        max(case when is_substantive and unit_latest_rank = 1 then reply_class end) as reply_class,
        max(case when is_substantive and has_result_feedback and unit_latest_rated_rank = 1
            then result_satisfaction end) as rated_satisfaction,
        max(case when is_substantive and unit_latest_rank = 1 then result_satisfaction end) as latest_satisfaction,
        min(dissatisfied_on) as first_dissatisfied_on,
        max(rehandled_on) as last_rehandled_on,
        max(case when is_substantive and has_result_feedback and latest_rated_rank = 1
            then result_satisfaction end) as suggestion_rated_satisfaction,
        max(case when is_substantive and has_result_feedback and first_rated_rank = 1
            then result_satisfaction end) as suggestion_first_satisfaction
    from ranked
    group by suggestion_id, prefecture_code, unit_name
),

suggestion_level as (
    select
        suggestion_id,
        prefecture_code,
        max(suggestion_rated_satisfaction) as suggestion_satisfaction,
        max(suggestion_first_satisfaction) as suggestion_first_satisfaction,
        min(first_dissatisfied_on) as suggestion_first_dissatisfied_on,
        max(case when last_rehandled_on >= first_dissatisfied_on then 1 else 0 end) as suggestion_rehandled_units
    from units
    group by suggestion_id, prefecture_code
),

final as (
    select
        units.suggestion_id,
        units.prefecture_code,
        units.unit_name,
        units.handling_unit_id,
        units.record_source,
        units.replies,
        units.interim_replies,
        units.first_replied_on,
        units.reply_class,
        coalesce(units.rated_satisfaction, units.latest_satisfaction) as satisfaction,
        units.first_dissatisfied_on is not null as has_dissatisfaction,
        coalesce(units.last_rehandled_on >= units.first_dissatisfied_on, false) as is_rehandled,
        suggestion_level.suggestion_satisfaction,
        suggestion_level.suggestion_first_satisfaction,
        suggestion_level.suggestion_first_dissatisfied_on is not null as suggestion_has_dissatisfaction,
        suggestion_level.suggestion_rehandled_units > 0 as suggestion_is_rehandled
    from units
    inner join suggestion_level
        on units.suggestion_id = suggestion_level.suggestion_id
        and units.prefecture_code = suggestion_level.prefecture_code
)

select * from final
