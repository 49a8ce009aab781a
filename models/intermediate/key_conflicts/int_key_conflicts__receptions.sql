-- 主键冲突（接待），见 dq_key_conflicts / key conflicts of receptions, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('receptions', ['station_id', 'deputy_id', 'reception_date']) }}
