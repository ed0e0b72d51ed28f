{% macro duckdb__compte_tables_crm(nom_table) -%}
    select count(*) from duckdb_tables()
    where database_name = 'crm' and table_name = '{{ nom_table }}'
{%- endmacro %}

{% macro spark__compte_tables_crm(nom_table) -%}
    select count(*) from global_temp.crm_tables where name = '{{ nom_table }}'
{%- endmacro %}
