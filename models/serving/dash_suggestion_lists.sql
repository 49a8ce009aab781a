-- 建议办理页（仪表盘）的超期清单与重点督办清单: the suggestions either list can show (overdue, or under
-- key supervision), ~6,000 of ~117,000 at region scale. Each list read the titles of the whole
-- fact table on every view (~5 ms each: near-unique text decompressed for the few rows kept).
-- has_known_deputy stays a column: the page filters it as it filters fct_suggestions.
select
    suggestion_id,
    title,
    prefecture_code,
    county,
    lead_unit,
    assigned_on,
    due_on,
    replied_on,
    reply_class,
    is_replied,
    is_overdue,
    days_overdue,
    is_key_supervised,
    has_known_deputy
from {{ ref('fct_suggestions') }}
where is_overdue or is_key_supervised
