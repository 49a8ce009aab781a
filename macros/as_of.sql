{# The build's as-of date as a date literal. #}
{% macro as_of() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}

{# Rows of a raw table known at the build: all, or those loaded by var('known_at'). #}
{% macro known_rows(relation) -%}
    select * from {{ relation }}
    {% if var('known_at') %} where _loaded_at <= cast('{{ var("known_at") }}' as timestamp) {% endif %}
{%- endmacro %}

{# Key columns of two relations equal, nulls included. #}
{% macro same_key(left, right, key_columns) -%}
    {% for k in key_columns %}{{ left }}.{{ k }} is not distinct from {{ right }}.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
{%- endmacro %}

{# Per prefecture and key: the first and the newest batch that delivered it. A file holds a key once
   (ingest quarantines a repeated key, also across sheets), so a batch and a key name one raw row;
   hash aggregates, then, instead of window sorts over every row. `shared_only`: only keys more than
   one prefecture delivered (a cheaper aggregate first, for withheld_versions: the owner's window
   then sorts those few keys only). #}
{% macro prefecture_versions(kind, key_columns, shared_only=false) -%}
    select
        known.prefecture_code,
        {% for k in key_columns %}known.{{ k }},{% endfor %}
        min(known._batch_id) as first_batch,
        max(known._batch_id) as newest_batch
    from ({{ known_rows(source('raw', kind)) }}) as known
    {%- if shared_only %}
    inner join (
        select {{ key_columns | join(', ') }}
        from ({{ known_rows(source('raw', kind)) }}) as keyed
        group by {{ key_columns | join(', ') }}
        having min(prefecture_code) <> max(prefecture_code)
    ) as shared
        on {{ same_key('known', 'shared', key_columns) }}
    {%- endif %}
    group by known.prefecture_code{% for k in key_columns %}, known.{{ k }}{% endfor %}
{%- endmacro %}

{# Versions withheld: per key more than one prefecture delivered, the newest version of each
   prefecture but its owner (the prefecture whose first batch is the key's first). #}
{% macro withheld_versions(kind, key_columns) -%}
    select *
    from (
        select
            shared_versions.*,
            first_value(prefecture_code) over (
                partition by {{ key_columns | join(', ') }}
                order by first_batch
                rows between unbounded preceding and unbounded following
            ) as owner_prefecture_code
        from ({{ prefecture_versions(kind, key_columns, shared_only=true) }}) as shared_versions
    ) as versions
    where prefecture_code <> owner_prefecture_code
{%- endmacro %}

{# The newest submitted version of each key (append-only raw history -> current state).
   Keys are scoped by prefecture (issue 15): a file can only replace its own prefecture's version
   of a key. A key another prefecture delivered first stays that prefecture's (its owner): the
   later prefecture's rows with that key are withheld here and listed in dq_key_conflicts, so no
   file can change another prefecture's records and the marts keep one row per key.
   Unless a later file declared a full replacement (raw.batches.full_replacement, from 全量替换 in
   its name) of the same prefecture, kind and period: a key that replacement no longer contains is
   withdrawn from the current state (its rows stay in raw; a key it contains has a newer version
   anyway). #}
{% macro current_version(kind, key_columns) -%}
    select known.*
    from ({{ known_rows(source('raw', kind)) }}) as known
    inner join ({{ prefecture_versions(kind, key_columns) }}) as own_versions
        on known.prefecture_code = own_versions.prefecture_code
        and {{ same_key('known', 'own_versions', key_columns) }}
        and known._batch_id = own_versions.newest_batch
    where not exists (
        select 1
        from ({{ withheld_versions(kind, key_columns) }}) as withheld
        where withheld.prefecture_code = known.prefecture_code
            and {{ same_key('withheld', 'known', key_columns) }}
    )
    and not exists (
        select 1
        from {{ source('raw', 'batches') }} as own_batch
        inner join {{ source('raw', 'batches') }} as replacement
            on replacement.period = own_batch.period
            and replacement.batch_id > own_batch.batch_id
        where own_batch.batch_id = known._batch_id
            and replacement.full_replacement
            and replacement.prefecture_code = known.prefecture_code
            and concat(',', replacement.kinds, ',') like '%,{{ kind }},%'
            {% if var('known_at') %} and replacement.loaded_at <= cast('{{ var("known_at") }}' as timestamp) {% endif %}
    )
{%- endmacro %}

{# Keys delivered by more than one prefecture: the owner's version is current, the others' newest
   versions are withheld and listed here. #}
{% macro key_conflicts(kind, key_columns) -%}
    select
        '{{ kind }}' as kind,
        concat_ws(' / ', {% for k in key_columns %}cast(known.{{ k }} as {{ dbt.type_string() }}){% if not loop.last %}, {% endif %}{% endfor %}) as key_value,
        known.prefecture_code,
        withheld.owner_prefecture_code,
        known._source_file as source_file,
        known._batch_id as batch_id
    from ({{ known_rows(source('raw', kind)) }}) as known
    inner join ({{ withheld_versions(kind, key_columns) }}) as withheld
        on known.prefecture_code = withheld.prefecture_code
        and {{ same_key('known', 'withheld', key_columns) }}
        and known._batch_id = withheld.newest_batch
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
