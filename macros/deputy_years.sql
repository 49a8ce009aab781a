{# Per deputy and year, what they did while serving: `events` is a CTE of (deputy_id, event_on,
   component, quantity); the CTEs `deputies` (int_deputy_terms) and `weights` (duty_score_weights)
   must exist. One count column per component, and the weighted points of them all. #}
{% macro served_counts_per_year(components) -%}
served_events as (
    select
        events.deputy_id,
        year(events.event_on) as year_number,
        events.component,
        events.quantity,
        events.quantity * coalesce(weights.weight, 0) as points
    from events
    inner join deputies on events.deputy_id = deputies.deputy_id
    left join weights on events.component = weights.component
    where {{ is_serving('events.event_on', 'deputies') }}
),

final as (
    select
        deputy_id,
        year_number,
        {%- for component, column in components %}
        sum(case when component = '{{ component }}' then quantity else 0 end) as {{ column }},
        {%- endfor %}
        sum(points) as points
    from served_events
    group by deputy_id, year_number
)
{%- endmacro %}
