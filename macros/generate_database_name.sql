{# On DuckDB, what goes to schema marts (published) is built in the attached file `analyst`
   (profiles.yml), everything else in the working warehouse: lvzhi.warehouse.publish copies that
   file whole. Spark has one catalog. #}
{% macro generate_database_name(custom_database_name, node) -%}
    {%- if target.type == 'duckdb' and node is not none and node.config.schema == 'marts' -%}
        analyst
    {%- else -%}
        {{ custom_database_name | trim if custom_database_name else target.database }}
    {%- endif -%}
{%- endmacro %}
