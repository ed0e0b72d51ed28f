{% macro texte_brut(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}
