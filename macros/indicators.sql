{# The grid every indicator family fills: each scope x each period, so a prefecture without data
   still has a row (numerator 0, value null) instead of silently missing. Calendar periods are
   crossed with every scope of the requested levels; a term (period_type 'term', label = congress
   code) only with the scopes where that congress has deputies (int_term_scopes). Region and
   prefecture grids read int_region_scopes: they do not depend on which counties, handling units
   or deputies the records name, so such a family is not rebuilt when those change. #}
{% macro scope_period_grid(scope_levels=['region', 'prefecture'], period_types=['month', 'quarter', 'year']) -%}
    {%- set calendar_types = period_types | reject('equalto', 'term') | list -%}
    {%- if calendar_types %}
    select
        scopes.scope_level,
        scopes.scope_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.measured_until
    {%- set area_only = scope_levels | reject('in', ['region', 'prefecture']) | list | length == 0 %}
    from {{ ref('int_region_scopes') if area_only else ref('int_scopes') }} as scopes
    cross join {{ ref('int_periods') }} as periods
    where scopes.scope_level in ('{{ scope_levels | join("', '") }}')
        and periods.period_type in ('{{ calendar_types | join("', '") }}')
    {%- endif %}
    {%- if 'term' in period_types %}
    {% if calendar_types %}union all{% endif %}
    select
        term_scopes.scope_level,
        term_scopes.scope_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.measured_until
    from {{ ref('int_term_scopes') }} as term_scopes
    inner join {{ ref('int_periods') }} as periods
        on periods.period_type = 'term'
        and term_scopes.congress_code = periods.period_label
    where term_scopes.scope_level in ('{{ scope_levels | join("', '") }}')
    {%- endif %}
{%- endmacro %}

{# Facts duplicated once per scope they count in: the region and their prefecture. #}
{% macro in_region_and_prefecture(relation) -%}
    select '{{ var("region_code") }}' as scope_code, 'region' as scope_level, facts.* from {{ relation }} as facts
    union all
    select facts.prefecture_code as scope_code, 'prefecture' as scope_level, facts.* from {{ relation }} as facts
{%- endmacro %}

{# Facts duplicated once per scope they count in, for the given levels: region, prefecture
   (prefecture_code), county (county), handling_unit (handling_unit_id), deputy (deputy_id).
   A fact without the level's column (null) does not count at that level. #}
{% macro in_scopes(relation, scope_levels=['region', 'prefecture']) -%}
    {%- set columns = {
        'prefecture': 'prefecture_code',
        'county': 'county',
        'handling_unit': 'handling_unit_id',
        'deputy': 'deputy_id',
    } -%}
    {%- for level in scope_levels %}
    {% if not loop.first %}union all{% endif %}
    {% if level == 'region' -%}
    select '{{ var("region_code") }}' as scope_code, 'region' as scope_level, facts.* from {{ relation }} as facts
    {%- else -%}
    select facts.{{ columns[level] }} as scope_code, '{{ level }}' as scope_level, facts.*
    from {{ relation }} as facts
    where facts.{{ columns[level] }} is not null
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{# Facts duplicated once per period containing their date: month, quarter and year through
   int_period_days (an equi-join on the day, no range join), and the term of their congress
   (`congress_column`) when 'term' is asked for. Adds period_type, period_label, period_start,
   period_end, measured_until. #}
{% macro in_periods(relation, date_column, congress_column=none, period_types=['month', 'quarter', 'year', 'term']) -%}
    {%- set calendar_types = period_types | reject('equalto', 'term') | list -%}
    {%- if calendar_types %}
    select
        facts.*,
        period_days.period_type,
        period_days.period_label,
        period_days.period_start,
        period_days.period_end,
        period_days.measured_until
    from {{ relation }} as facts
    inner join {{ ref('int_period_days') }} as period_days
        on facts.{{ date_column }} = period_days.date_day
    where period_days.period_type in ('{{ calendar_types | join("', '") }}')
    {%- endif %}
    {%- if congress_column and 'term' in period_types %}
    {% if calendar_types %}union all{% endif %}
    select
        facts.*,
        terms.period_type,
        terms.period_label,
        terms.period_start,
        terms.period_end,
        terms.measured_until
    from {{ relation }} as facts
    inner join {{ ref('int_periods') }} as terms
        on terms.period_type = 'term'
        and facts.{{ congress_column }} = terms.period_label
    where facts.{{ date_column }} between terms.period_start and terms.period_end
    {%- endif %}
{%- endmacro %}

{# Aggregates put onto the grid: every grid row (zeros where nothing happened) and every
   aggregate row outside the grid (handling units, deputies, a term of a congress whose deputies
   sit in another prefecture). `zero_columns` become 0 when missing, `null_columns` stay null. #}
{% macro fill_grid(grid, counts, zero_columns, null_columns=[]) -%}
    select
        coalesce(grid.scope_level, counts.scope_level) as scope_level,
        coalesce(grid.scope_code, counts.scope_code) as scope_code,
        coalesce(grid.period_type, counts.period_type) as period_type,
        coalesce(grid.period_label, counts.period_label) as period_label,
        coalesce(grid.period_start, counts.period_start) as period_start,
        coalesce(grid.period_end, counts.period_end) as period_end
        {%- for column in zero_columns %},
        coalesce(counts.{{ column }}, 0) as {{ column }}
        {%- endfor %}
        {%- for column in null_columns %},
        counts.{{ column }}
        {%- endfor %}
    from {{ grid }} as grid
    full outer join {{ counts }} as counts
        on grid.scope_level = counts.scope_level
        and grid.scope_code = counts.scope_code
        and grid.period_type = counts.period_type
        and grid.period_label = counts.period_label
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
