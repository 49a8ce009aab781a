{# The build's as-of date as a date literal. #}
{% macro as_of() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}

{# Rows of a raw table known at the build: all, or those loaded by var('known_at'). #}
{% macro known_rows(relation) -%}
    select * from {{ relation }}
    {% if var('known_at') %} where _loaded_at <= cast('{{ var("known_at") }}' as timestamp) {% endif %}
{%- endmacro %}

{# The newest submitted version of each key (append-only raw history -> current state), unless a
   later file declared a full replacement (raw.batches.full_replacement, from 全量替换 in its name)
   of the same prefecture, kind and period: a key that replacement no longer contains is withdrawn
   from the current state (its rows stay in raw; a key it contains has a newer version anyway). #}
{% macro current_version(kind, key_columns) -%}
    select newest.*
    from (
        {%- call first_row_per_window(known_rows(source('raw', kind))) %}
            partition by {{ key_columns | join(', ') }}
            order by _batch_id desc, _row_number desc
        {%- endcall %}
    ) as newest
    where not exists (
        select 1
        from {{ source('raw', 'batches') }} as own_batch
        inner join {{ source('raw', 'batches') }} as replacement
            on replacement.period = own_batch.period
            and replacement.batch_id > own_batch.batch_id
        where own_batch.batch_id = newest._batch_id
            and replacement.full_replacement
            and replacement.prefecture_code = newest.prefecture_code
            and concat(',', replacement.kinds, ',') like '%,{{ kind }},%'
            {% if var('known_at') %} and replacement.loaded_at <= cast('{{ var("known_at") }}' as timestamp) {% endif %}
    )
{%- endmacro %}

{# The rows of `relation` (a query) that come first in their window (the caller's body: partition
   by … order by …), with the relation's columns only. DuckDB has `qualify`; on Spark the subquery
   form (same rows) is the one place to adapt for an older cluster (Spark 3.x has neither `qualify`
   nor `* except`). #}
{% macro first_row_per_window(relation) -%}
    {{ adapter.dispatch('first_row_per_window', 'lvzhi')(relation, caller()) }}
{%- endmacro %}

{% macro default__first_row_per_window(relation, window) -%}
    select *
    from ({{ relation }}) as versions
    qualify row_number() over ({{ window }}) = 1
{%- endmacro %}

{% macro spark__first_row_per_window(relation, window) -%}
    select * except (_first_in_window)
    from (
        select versions.*, row_number() over ({{ window }}) as _first_in_window
        from ({{ relation }}) as versions
    ) as numbered
    where _first_in_window = 1
{%- endmacro %}

{# Is a deputy (columns from int_deputy_terms) serving on day `d`? Left office on left_on: not serving from that day. #}
{% macro is_serving(d, alias='') -%}
    {%- set p = alias ~ '.' if alias else '' -%}
    ({{ p }}serving_from <= {{ d }}
     and ({{ p }}term_end is null or {{ d }} <= {{ p }}term_end)
     and ({{ p }}left_on is null or {{ d }} < {{ p }}left_on))
{%- endmacro %}

{# The median of a column: DuckDB's median; Spark's percentile (exact, interpolating like DuckDB;
   Spark's own median exists only from 3.4). #}
{% macro median(column) -%}
    {{ adapter.dispatch('median', 'lvzhi')(column) }}
{%- endmacro %}

{% macro default__median(column) -%}
    median({{ column }})
{%- endmacro %}

{% macro spark__median(column) -%}
    percentile({{ column }}, 0.5)
{%- endmacro %}

{# A rate: numerator / denominator as double, null when the denominator is 0 (Spark raises on /0). #}
{% macro safe_rate(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)
{%- endmacro %}
