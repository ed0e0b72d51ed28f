{% macro texte_canonique(valeur) -%}
    {#- The text a typed value is written as in a clean export (dates as YYYY-MM-DD). -#}
    cast({{ valeur }} as {{ dbt.type_string() }})
{%- endmacro %}
