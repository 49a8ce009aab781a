{# The grid every indicator family fills: each scope x each period, so a prefecture without data
   still has a row (numerator 0, value null) instead of silently missing. #}
{% macro scope_period_grid(scope_levels=['region', 'prefecture']) -%}
    select
        scopes.scope_level,
        scopes.scope_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.measured_until
    from {{ ref('int_scopes') }} as scopes
    cross join {{ ref('int_periods') }} as periods
    where scopes.scope_level in ('{{ scope_levels | join("', '") }}')
{%- endmacro %}

{# Facts duplicated once per scope they count in: the region and their prefecture. #}
{% macro in_region_and_prefecture(relation) -%}
    select '{{ var("region_code") }}' as scope_code, 'region' as scope_level, facts.* from {{ relation }} as facts
    union all
    select facts.prefecture_code as scope_code, 'prefecture' as scope_level, facts.* from {{ relation }} as facts
{%- endmacro %}

{# One indicator's rows from an aggregate CTE with the grid's columns. A rate by default;
   pass `value` for counts, medians and per-meeting averages. #}
{% macro indicator_rows(indicator_id, numerator, denominator, value=none, from='counts') -%}
    select
        '{{ indicator_id }}' as indicator_id,
        scope_level,
        scope_code,
        period_type,
        period_label,
        period_start,
        period_end,
        cast({{ numerator }} as double) as numerator,
        cast({{ denominator }} as double) as denominator,
        {% if value is not none %}cast({{ value }} as double){% else %}{{ safe_rate(numerator, denominator) }}{% endif %} as value
    from {{ from }}
{%- endmacro %}
