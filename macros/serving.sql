{# Did a deputy (columns from int_deputy_terms) serve on at least one day from `start` to `end`?
   DOMAIN "Serving in a period": such a deputy is in the denominator of participation, leader
   station visits and any rate over deputies without its own rule, and what they did while
   serving (is_serving on the event's date) counts. #}
{% macro served_during(start, end, alias='') -%}
    {%- set p = alias ~ '.' if alias else '' -%}
    ({{ p }}serving_from <= {{ end }}
     and ({{ p }}term_end is null or {{ start }} <= {{ p }}term_end)
     and ({{ p }}left_on is null or {{ start }} < {{ p }}left_on))
{%- endmacro %}
