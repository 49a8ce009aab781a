-- Every value whose unit is 'rate' lies in [0, 1], and its numerator does not exceed its denominator.
select
    indicator_id,
    scope_level,
    scope_code,
    period_type,
    period_label,
    numerator,
    denominator,
    value
from {{ ref('indicator_values') }}
where unit = 'rate'
    and (value < 0 or value > 1 or numerator > denominator or numerator < 0)
