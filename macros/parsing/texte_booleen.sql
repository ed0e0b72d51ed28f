{% macro texte_booleen(valeur) -%}
    case when {{ valeur }} then '1' when not {{ valeur }} then '0' else '' end
{%- endmacro %}
