-- 主键冲突（培训），见 dq_key_conflicts / key conflicts of trainings, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{ key_conflicts('trainings', ['training_id', 'deputy_id']) }}
