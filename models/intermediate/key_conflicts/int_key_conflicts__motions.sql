-- 主键冲突（议案），见 dq_key_conflicts / key conflicts of motions, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('motions', ['motion_id']) }}
