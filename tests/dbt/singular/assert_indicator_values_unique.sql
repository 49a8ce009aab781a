-- indicator_values has one row per indicator, scope, period and as-of date.
select
    indicator_id,
    scope_level,
    scope_code,
    period_type,
    period_label,
    as_of,
    count(*) as rows_found
from {{ ref('indicator_values') }}
group by indicator_id, scope_level, scope_code, period_type, period_label, as_of
having count(*) > 1
