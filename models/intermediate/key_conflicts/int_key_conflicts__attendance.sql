-- 主键冲突（出席列席），见 dq_key_conflicts / key conflicts of attendance, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('attendance', ['meeting_id', 'deputy_id']) }}
