{% macro lignes_csv_brutes(source_relation, nom_fichier) -%}
    {#-
        One row per physical line of a raw CSV export read as a single text column:
        its 1-based line number, its raw content and its `;`-separated fields.
    -#}
    select
        '{{ nom_fichier }}' as fichier_source,
        row_number() over () as numero_ligne,
        ligne as contenu_brut,
        string_split(coalesce(ligne, ''), ';') as champs
    from {{ source_relation }}
{%- endmacro %}

{% macro contenu_brut_crm(colonnes) -%}
    {#- Raw content of a CRM row, rebuilt as the CSV line it would be. -#}
    concat_ws(';'{% for colonne in colonnes %}, coalesce({{ colonne }}, ''){% endfor %})
{%- endmacro %}

{% macro crm_table_existe(nom_table) -%}
    {#- True when the attached CRM database holds `nom_table` (checked at run time only). -#}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set resultat = run_query(
        "select count(*) from duckdb_tables() where database_name = 'crm' "
        ~ "and table_name = '" ~ nom_table ~ "'") -%}
    {{ return(resultat.columns[0].values()[0] > 0) }}
{%- endmacro %}
