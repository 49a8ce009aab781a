-- 主键冲突（联系代表），见 dq_key_conflicts / key conflicts of liaison, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('liaison', ['member_name', 'member_role', 'deputy_id', 'year']) }}
