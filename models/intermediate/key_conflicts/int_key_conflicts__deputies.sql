-- 主键冲突（代表名册），见 dq_key_conflicts / key conflicts of deputies, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('deputies', ['deputy_id']) }}
