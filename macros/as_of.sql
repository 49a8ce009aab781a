{# The build's as-of date as a date literal. #}
{% macro as_of() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}

{# Rows of a raw table known at the build: all, or those loaded by var('known_at'). #}
{% macro known_rows(relation) -%}
    select * from {{ relation }}
    {% if var('known_at') %} where _loaded_at <= cast('{{ var("known_at") }}' as timestamp) {% endif %}
{%- endmacro %}

{# Every known row of a kind with its rank among its prefecture's versions of the key (1 = newest) and
   the key's owner (the prefecture that delivered it first): what current_version and key_conflicts read.
   `shared_only`: only keys more than one prefecture delivered (a hash aggregate first, so the two
   window sorts run on the few shared keys, not on every row). #}
{% macro ranked_versions(kind, key_columns, shared_only=false) -%}
    {%- set known_keys = [] %}{% for k in key_columns %}{% do known_keys.append('known.' ~ k) %}{% endfor %}
    select
        known.*,
        row_number() over (
            partition by known.prefecture_code, {{ known_keys | join(', ') }}
            order by known._batch_id desc, known._row_number desc
        ) as _version_rank,
        first_value(known.prefecture_code) over (
            partition by {{ known_keys | join(', ') }}
            order by known._batch_id, known._row_number
            rows between unbounded preceding and unbounded following
        ) as _key_owner
    from ({{ known_rows(source('raw', kind)) }}) as known
    {%- if shared_only %}
    inner join (
        select {{ key_columns | join(', ') }}
        from ({{ known_rows(source('raw', kind)) }}) as keyed
        group by {{ key_columns | join(', ') }}
        having count(distinct prefecture_code) > 1
    ) as shared
        on {% for k in key_columns %}known.{{ k }} = shared.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
    {%- endif %}
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
    select newest.*
    from (
        select *
        from ({{ ranked_versions(kind, key_columns) }}) as versions
        where _version_rank = 1 and prefecture_code = _key_owner
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

{# Keys delivered by more than one prefecture: the owner's version is current, the others withheld. #}
{% macro key_conflicts(kind, key_columns) -%}
    select
        '{{ kind }}' as kind,
        concat_ws(' / ', {% for k in key_columns %}cast({{ k }} as {{ dbt.type_string() }}){% if not loop.last %}, {% endif %}{% endfor %}) as key_value,
        prefecture_code,
        _key_owner as owner_prefecture_code,
        _source_file as source_file,
        _batch_id as batch_id
    from ({{ ranked_versions(kind, key_columns, shared_only=true) }}) as versions
    where _version_rank = 1 and prefecture_code <> _key_owner
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
