-- 主键冲突（家室站），见 dq_key_conflicts / key conflicts of stations, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('stations', ['station_id']) }}
