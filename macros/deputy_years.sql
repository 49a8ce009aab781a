{# Per deputy and year, what they did while serving (int_deputy_terms): `events` is a CTE of
   (deputy_id, event_on, component, quantity). One count column per component, and the points of
   them all weighted by duty_score_weights. #}
{% macro served_counts_per_year(components) -%}
served_events as (
    select
        events.deputy_id,
        year(events.event_on) as year_number,
        events.component,
        events.quantity,
        events.quantity * coalesce(weights.weight, 0) as points
    from events
    inner join {{ ref('int_deputy_terms') }} as deputies on events.deputy_id = deputies.deputy_id
    left join {{ ref('duty_score_weights') }} as weights on events.component = weights.component
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
