{# The suggestion cohort both suggestion families count (ind_suggestions, ind_suggestion_followup):
   suggestions assigned by the as-of date whose lead deputy is known, as CTEs `suggestions` (region,
   prefecture and county scopes; months, quarters, years and terms) and `handling` (each suggestion
   once per handling unit; years and terms), put into their periods and scopes as
   `suggestions_scoped`. `columns`: the fact columns a family counts; `handling_values`: a column's
   value on the handling-unit rows where fct_suggestion_handling has none (e.g. `false`). #}
{% macro suggestion_cohort(columns, handling_values={}) -%}
suggestions as (
    select
        suggestion_id,
        prefecture_code,
        county,
        cast(null as {{ dbt.type_string() }}) as handling_unit_id,
        congress_code,
        assigned_on,
        {{ columns | join(',\n        ') }}
    from {{ ref('fct_suggestions') }}
    where assigned_on is not null and has_known_deputy
),

handling as (
    select
        suggestion_id,
        prefecture_code,
        county,
        handling_unit_id,
        congress_code,
        assigned_on,
        {%- for column in columns %}
        {% if column in handling_values %}{{ handling_values[column] }} as {% endif %}{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('fct_suggestion_handling') }}
    where assigned_on is not null and has_known_deputy
),

suggestion_periods as (
    {{ in_periods('suggestions', 'assigned_on', 'congress_code') }}
),

handling_periods as (
    {{ in_periods('handling', 'assigned_on', 'congress_code', period_types=['year', 'term']) }}
),

suggestions_scoped as (
    {{ in_scopes('suggestion_periods', ['region', 'prefecture', 'county']) }}
    union all
    {{ in_scopes('handling_periods', ['handling_unit']) }}
)
{%- endmacro %}
