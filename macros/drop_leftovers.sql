{# on-run-end: a model this project now builds in another schema may have left its old table in
   schema marts (the ind_* family tables did, before issue 13). lvzhi.warehouse.publish copies all
   of schema marts, so such a leftover would stay published, stale, forever: drop it. #}
{% macro drop_leftovers(schema='marts') %}
    {% if execute %}
        {% for node in graph.nodes.values() %}
            {% if node.resource_type in ('model', 'seed', 'snapshot') and node.schema != schema %}
                {% set leftover = adapter.get_relation(
                    database=generate_database_name(none, {'config': {'schema': schema}}) | trim,
                    schema=schema, identifier=node.alias or node.name) %}
                {% if leftover is not none %}
                    {{ log('dropping ' ~ leftover ~ ': built in schema ' ~ node.schema ~ ' now', info=true) }}
                    {% do adapter.drop_relation(leftover) %}
                {% endif %}
            {% endif %}
        {% endfor %}
    {% endif %}
{% endmacro %}
