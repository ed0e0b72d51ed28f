{% macro contenu_brut_crm(colonnes) -%}
    {#- Raw content of a CRM row, rebuilt as the CSV line it would be. -#}
    concat_ws(';'{% for colonne in colonnes %}, coalesce({{ colonne }}, ''){% endfor %})
{%- endmacro %}
