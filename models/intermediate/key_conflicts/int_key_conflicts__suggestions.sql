-- 主键冲突（建议），见 dq_key_conflicts / key conflicts of suggestions, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('suggestions', ['suggestion_id']) }}
