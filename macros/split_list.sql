{# One row per item of a comma-separated list column ("a,b,c", as ingest normalises id lists):
   the key columns, the item's position (1-based) and the trimmed item. Portable: dbt.split_part
   and dbt.generate_series instead of string_split/unnest or explode. #}
{% macro split_list(relation, key_columns, list_column, max_items=200) -%}
    select
        {% for column in key_columns %}lists.{{ column }},
        {% endfor -%}
        positions.generated_number as item_position,
        trim({{ list_item('lists.' ~ list_column, 'positions.generated_number') }}) as item
    from {{ relation }} as lists
    inner join ({{ dbt.generate_series(max_items) }}) as positions
        on positions.generated_number
            <= length(lists.{{ list_column }}) - length(replace(lists.{{ list_column }}, ',', '')) + 1
    where lists.{{ list_column }} is not null and trim(lists.{{ list_column }}) <> ''
{%- endmacro %}


{# The n-th item (1-based, n a column) of a comma-separated list. dbt.split_part on Spark needs a
   literal n (it compares it in Jinja); Spark's own split_part takes a column. #}
{% macro list_item(list_column, position) -%}
    {{ adapter.dispatch('list_item', 'lvzhi')(list_column, position) }}
{%- endmacro %}

{% macro default__list_item(list_column, position) -%}
    {{ dbt.split_part(list_column, "','", position) }}
{%- endmacro %}

{% macro spark__list_item(list_column, position) -%}
    split_part({{ list_column }}, ',', {{ position }})
{%- endmacro %}
