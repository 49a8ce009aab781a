-- 主键冲突：同一编号已由另一州市先报送。先报送的州市拥有该编号；后来州市的这条记录不进入
-- 当前版本（不能改写别的州市的记录），在此列出以便核对、改号后重报。
{% set kinds = [
    ('deputies', ['deputy_id']), ('meetings', ['meeting_id']), ('attendance', ['meeting_id', 'deputy_id']),
    ('motions', ['motion_id']), ('suggestions', ['suggestion_id']), ('activities', ['activity_id', 'deputy_id']),
    ('liaison', ['member_name', 'member_role', 'deputy_id', 'year']),
    ('contacts', ['member_name', 'deputy_id', 'contact_date']), ('stations', ['station_id']),
    ('receptions', ['station_id', 'deputy_id', 'reception_date']), ('trainings', ['training_id', 'deputy_id']),
    ('projects', ['project_id']), ('replies', ['suggestion_id', 'unit', 'reply_no']),
] %}
{% for kind, keys in kinds %}
{{ key_conflicts(kind, keys) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
