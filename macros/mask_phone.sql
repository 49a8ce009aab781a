{# 13812345678 -> 138****5678: phones are never shown in clear outside the raw layer. #}
{% macro mask_phone(column) -%}
    case
        when {{ column }} is null then null
        when length({{ column }}) >= 7
            then concat(substr({{ column }}, 1, 3), '****', substr({{ column }}, length({{ column }}) - 3, 4))
        else '****'
    end
{%- endmacro %}
