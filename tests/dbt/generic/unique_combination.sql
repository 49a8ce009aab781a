{# No two rows share the same values in all of `combination_of_columns` (a composite key).
   Portable replacement for dbt_utils.unique_combination_of_columns (no dbt deps offline). #}
{% test unique_combination(model, combination_of_columns) %}
select
    {{ combination_of_columns | join(', ') }},
    count(*) as duplicate_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
