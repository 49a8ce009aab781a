-- 主键冲突：同一编号已由另一州市先报送。先报送的州市拥有该编号；后来州市的这条记录不进入
-- 当前版本（不能改写别的州市的记录），在此列出以便核对、改号后重报。
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: each kind's key as ingest checks it.
{{ key_conflicts('deputies', ['deputy_id']) }}
union all
{{ key_conflicts('meetings', ['meeting_id']) }}
union all
{{ key_conflicts('attendance', ['meeting_id', 'deputy_id']) }}
union all
{{ key_conflicts('motions', ['motion_id']) }}
union all
{{ key_conflicts('suggestions', ['suggestion_id']) }}
union all
{{ key_conflicts('activities', ['activity_id', 'deputy_id']) }}
union all
{{ key_conflicts('liaison', ['member_name', 'member_role', 'deputy_id', 'year']) }}
union all
{{ key_conflicts('contacts', ['member_name', 'deputy_id', 'contact_date', 'method']) }}
union all
{{ key_conflicts('stations', ['station_id']) }}
union all
{{ key_conflicts('receptions', ['station_id', 'deputy_id', 'reception_date']) }}
union all
{{ key_conflicts('trainings', ['training_id', 'deputy_id']) }}
union all
{{ key_conflicts('projects', ['project_id']) }}
union all
{{ key_conflicts('replies', ['suggestion_id', 'unit', 'reply_no']) }}
