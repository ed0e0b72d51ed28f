{% macro compte_tables_crm(nom_table) -%}
    {#- The query that counts the CRM's tables named `nom_table` (`crm_table_existe`). -#}
    {{ return(adapter.dispatch('compte_tables_crm', 'retailinsight360')(nom_table)) }}
{%- endmacro %}

{% macro duckdb__compte_tables_crm(nom_table) -%}
    select count(*) from duckdb_tables()
    where database_name = 'crm' and table_name = '{{ nom_table }}'
{%- endmacro %}

{% macro spark__compte_tables_crm(nom_table) -%}
    select count(*) from global_temp.crm_tables where name = '{{ nom_table }}'
{%- endmacro %}
