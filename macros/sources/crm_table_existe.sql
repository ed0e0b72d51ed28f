{% macro crm_table_existe(nom_table) -%}
    {#- True when the attached CRM database holds `nom_table` (checked at run time only). -#}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set resultat = run_query(compte_tables_crm(nom_table)) -%}
    {{ return(resultat.columns[0].values()[0] > 0) }}
{%- endmacro %}
