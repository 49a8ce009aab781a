-- 主键冲突（民生实事），见 dq_key_conflicts / key conflicts of projects, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('projects', ['project_id']) }}
