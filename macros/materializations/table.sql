{#- Tables in one statement. dbt-duckdb's own table materialization builds under a temporary name,
    looks up indexes and foreign keys, renames the old table away and the new one in, then drops the
    old: ~10 statements a model, each 2-3 ms of dbt's Python. Here every run writes the private
    working warehouse, published only after the whole run succeeds, so that swap protects nothing
    a transaction does not: `create or replace` inside the model's transaction leaves the old table
    in place if the statement fails. What it leaves out, no lvzhi model uses: contracts, indexes,
    partitioning, grants, Python models; a model that sets one of these is refused, not mis-built. -#}
{% materialization table, adapter='duckdb' %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- if model['language'] != 'sql' or config.get('contract').enforced or config.get('indexes')
        or config.get('partitioned_by') or config.get('sorted_by') or config.get('grants') -%}
    {{ exceptions.raise_compiler_error(this ~ ": lvzhi's table materialization (macros/materializations/table.sql) does not do contracts, indexes, partitioning, grants or Python models") }}
  {%- endif -%}
  {%- if existing_relation is not none and not existing_relation.is_table -%}
    {{ drop_relation_if_exists(existing_relation) }}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% call statement('main') -%}
    create or replace table {{ target_relation }} as (
      {{ compiled_code }}
    )
  {%- endcall %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do persist_docs(target_relation, model) %}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
