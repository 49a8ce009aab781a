{# Anything shaped like an ID number or a mobile number masked (lvzhi/pii.py states the rule;
   ingest already masks clerk text, this is the second lock for published tables). #}
{% macro mask_pii(column) -%}
    regexp_replace(
        regexp_replace(
            regexp_replace({{ column }},
                '(^|[^0-9])([1-9][0-9]{3})[0-9]{10}([0-9]{3}[0-9Xx])([^0-9]|$)', '\1\2**********\3\4', 'g'),
            '(^|[^0-9])([1-9][0-9]{3})[0-9]{8}([0-9]{3})([^0-9Xx]|$)', '\1\2********\3\4', 'g'),
        '(^|[^0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})([^0-9]|$)', '\1\2****\3\4', 'g')
{%- endmacro %}
