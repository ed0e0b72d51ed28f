{% macro preparer_lignes_csv(source_relation, nom) -%}
    {#-
        Pre-hook of a CSV staging model: reads the raw file once, numbering its physical lines.
        DuckDB numbers lines (`with ordinality`) in one ordered stream, which would make the
        whole typing query single-threaded; landing the numbered lines in a temporary table
        first lets the typing run on every core. The table lives in the model's connection
        only and is dropped by `liberer_lignes_csv`.
    -#}
    {{ return(adapter.dispatch('preparer_lignes_csv', 'retailinsight360')(source_relation, nom)) }}
{%- endmacro %}

{% macro duckdb__preparer_lignes_csv(source_relation, nom) -%}
    create or replace temporary table lignes_csv_{{ nom }} as
    select
        ordinality as numero_ligne,
        ligne
    from {{ source_relation }} with ordinality
{%- endmacro %}

{% macro liberer_lignes_csv(nom) -%}
    {#- Post-hook of a CSV staging model: drops the numbered lines of `preparer_lignes_csv`. -#}
    {{ return(adapter.dispatch('liberer_lignes_csv', 'retailinsight360')(nom)) }}
{%- endmacro %}

{% macro default__liberer_lignes_csv(nom) -%}
    drop table if exists lignes_csv_{{ nom }}
{%- endmacro %}

{% macro lignes_csv_brutes(nom, nb_champs) -%}
    {#-
        One row per physical line of the raw CSV export `<nom>.csv` (empty lines included), as
        numbered by `preparer_lignes_csv`: its 1-based line number, its raw content, the number
        of `;`-separated fields on it and the first `nb_champs` fields (`champ_1`…, null when
        missing).
    -#}
    {{ return(adapter.dispatch('lignes_csv_brutes', 'retailinsight360')(nom, nb_champs)) }}
{%- endmacro %}

{% macro duckdb__lignes_csv_brutes(nom, nb_champs) -%}
    select
        fichier_source,
        numero_ligne,
        contenu_brut,
        len(champs) as nb_champs,
        {%- for i in range(1, nb_champs + 1) %}
        champs[{{ i }}] as champ_{{ i }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            '{{ nom }}.csv' as fichier_source,
            numero_ligne,
            ligne as contenu_brut,
            string_split(coalesce(ligne, ''), ';') as champs
        from lignes_csv_{{ nom }}
    ) as lignes
{%- endmacro %}

{% macro contenu_brut_crm(colonnes) -%}
    {#- Raw content of a CRM row, rebuilt as the CSV line it would be. -#}
    concat_ws(';'{% for colonne in colonnes %}, coalesce({{ colonne }}, ''){% endfor %})
{%- endmacro %}

{% macro champs_crm(colonnes) -%}
    {#- A CRM table's columns (all read as text) as the raw fields `champ_1`…, in order. -#}
    {%- for colonne in colonnes %}
    {{ colonne }} as champ_{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro crm_table_existe(nom_table) -%}
    {#- True when the attached CRM database holds `nom_table` (checked at run time only). -#}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set resultat = run_query(adapter.dispatch('compte_tables_crm', 'retailinsight360')(
        nom_table)) -%}
    {{ return(resultat.columns[0].values()[0] > 0) }}
{%- endmacro %}

{% macro duckdb__compte_tables_crm(nom_table) -%}
    select count(*) from duckdb_tables()
    where database_name = 'crm' and table_name = '{{ nom_table }}'
{%- endmacro %}
