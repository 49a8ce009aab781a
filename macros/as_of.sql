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
        select *
        from ({{ known_rows(source('raw', kind)) }}) as versions
        qualify row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by _batch_id desc, _row_number desc
        ) = 1
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

{# Is a deputy (columns from int_deputy_terms) serving on day `d`? Left office on left_on: not serving from that day. #}
{% macro is_serving(d, alias='') -%}
    {%- set p = alias ~ '.' if alias else '' -%}
    ({{ p }}serving_from <= {{ d }}
     and ({{ p }}term_end is null or {{ d }} <= {{ p }}term_end)
     and ({{ p }}left_on is null or {{ d }} < {{ p }}left_on))
{%- endmacro %}

{# A rate: numerator / denominator as double, null when the denominator is 0 (Spark raises on /0). #}
{% macro safe_rate(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)
{%- endmacro %}
