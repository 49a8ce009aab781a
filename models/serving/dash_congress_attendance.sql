-- 会议出席与列席页（仪表盘）“人代会出席情况”: the deputies expected at people's congress sessions
-- (fct_congress_attendance), counted per prefecture, county, first day of the session and recorded
-- status. The page grouped ~230,000 expected-attendance rows at region scale on every view (~4-7 ms);
-- it now adds up the few thousand rows of its period and scope.
select
    prefecture_code,
    county,
    start_date,
    status,
    count(*) as attendances
from {{ ref('fct_congress_attendance') }}
group by prefecture_code, county, start_date, status
