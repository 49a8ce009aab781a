-- 主键冲突（答复记录），见 dq_key_conflicts / key conflicts of replies, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('replies', ['suggestion_id', 'unit', 'reply_no']) }}
