-- 主键冲突：同一编号已由另一州市先报送。先报送的州市拥有该编号；后来州市的这条记录不进入
-- 当前版本（不能改写别的州市的记录），在此列出以便核对、改号后重报。
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: each kind's key as ingest checks it.
select * from {{ ref('int_key_conflicts__deputies') }}
union all
select * from {{ ref('int_key_conflicts__meetings') }}
union all
select * from {{ ref('int_key_conflicts__attendance') }}
union all
select * from {{ ref('int_key_conflicts__motions') }}
union all
select * from {{ ref('int_key_conflicts__suggestions') }}
union all
select * from {{ ref('int_key_conflicts__activities') }}
union all
select * from {{ ref('int_key_conflicts__liaison') }}
union all
select * from {{ ref('int_key_conflicts__contacts') }}
union all
select * from {{ ref('int_key_conflicts__stations') }}
union all
select * from {{ ref('int_key_conflicts__receptions') }}
union all
select * from {{ ref('int_key_conflicts__trainings') }}
union all
select * from {{ ref('int_key_conflicts__projects') }}
union all
select * from {{ ref('int_key_conflicts__replies') }}
