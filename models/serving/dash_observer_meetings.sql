-- 会议出席与列席页（仪表盘）: per standing-committee meeting (常委会会议), the deputies of the rosters who
-- observed it (列席, 出席). Counted once per build instead of grouping ~260,000 attendance rows at region
-- scale on every view (~5-10 ms); the page adds up the rows of a meeting per prefecture name.
select
    meeting_id,
    start_date,
    prefecture_code,
    count(*) filter (where status = '出席' and has_known_deputy) as observers
from {{ ref('fct_attendance') }}
where meeting_type = '常委会会议' and role = '列席'
group by meeting_id, start_date, prefecture_code
