{% macro champs_crm(colonnes) -%}
    {#- A CRM table's columns (all read as text) as the raw fields `champ_1`…, in order. -#}
    {%- for colonne in colonnes %}
    {{ colonne }} as champ_{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
