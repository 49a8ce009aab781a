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
  {% do persist_docs_in_one_statement(target_relation, model) %}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- The descriptions as comments, in one statement. dbt's persist_docs reads the table's columns twice
    (DESCRIBE) and comments in two more statements: four round trips of dbt's Python a model. Every
    documented column is commented without looking: a description of a column the model no longer
    has fails the build (dbt only warns), so the docs an analyst reads cannot drift from the table. -#}
{% macro persist_docs_in_one_statement(relation, model) %}
  {%- set comments = [] -%}
  {%- if config.persist_relation_docs() and model.description -%}
    {%- do comments.append(duckdb__alter_relation_comment(relation, model.description)) -%}
  {%- endif -%}
  {%- if config.persist_column_docs() -%}
    {%- for name, column in model.columns.items() if column.description -%}
      {%- do comments.append("comment on column " ~ relation ~ "." ~ (adapter.quote(name) if column.quote else name)
                             ~ " is " ~ duckdb_escape_comment(column.description) ~ ";") -%}
    {%- endfor -%}
  {%- endif -%}
  {%- if comments -%}
    {%- do run_query(comments | join("\n")) -%}
  {%- endif -%}
{% endmacro %}
