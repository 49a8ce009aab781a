-- 代表履职档案页（仪表盘）: per year, the deputies who served in it and have no suggestion or motion
-- (led or cosigned), activity, reception or training in it (第九十五条), as deputy_profile counts them
-- (only the days served). The page filtered ~230,000 deputy-years at region scale for a dozen rows
-- (~12 ms a view); here they are picked once per build.
select
    year_number,
    prefecture_code,
    deputy_id,
    name,
    level,
    congress_code,
    served_from,
    served_until,
    days_served
from {{ ref('deputy_profile') }}
where suggestions_led + suggestions_cosigned + motions_led + motions_cosigned + activities + receptions + trainings = 0
