-- 主键冲突（代表活动），见 dq_key_conflicts / key conflicts of activities, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('activities', ['activity_id', 'deputy_id']) }}
