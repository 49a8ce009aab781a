-- 主键冲突（联系记录），见 dq_key_conflicts / key conflicts of contacts, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('contacts', ['member_name', 'deputy_id', 'contact_date', 'method']) }}
