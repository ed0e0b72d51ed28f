{% macro requete_fraicheur(fichier) -%}
    {{ return(adapter.dispatch('requete_fraicheur', 'retailinsight360')(fichier)) }}
{%- endmacro %}

{% macro default__requete_fraicheur(fichier) -%}
    {#-
        DuckDB: the file's modification time, read from the raw folder the plugin set. The
        optional targets file is named as a one-name glob (`objectifs_nps.cs[v]`): when it is
        absent, that finds no file (null: nothing to be stale) on disk and in a bucket alike,
        where a plain name is an HTTP 404 error.
    -#}
    {%- set chemin = fichier[:-1] ~ '[' ~ fichier[-1] ~ ']'
        if fichier == 'objectifs_nps.csv' else fichier -%}
    select max(last_modified) as derniere_modification
    from read_blob(getvariable('bestmarket_dossier_brut') || '/{{ chemin }}')
{%- endmacro %}

{% macro spark__requete_fraicheur(fichier) -%}
    {#-
        Spark: the `modificationTime` of the binaryFile view over the same file, created by
        the on-run-start hook (`preparer_sources_brutes`; `dbt source freshness` runs the
        project's hooks, flag `source_freshness_run_project_hooks`). Only that column is read,
        so Spark does not load the file's bytes.
    -#}
    {%- set vue = 'fichier_crm' if fichier == 'Satisfaction.db'
        else 'csv_' ~ fichier | replace('.csv', '') -%}
    select max(modificationtime) as derniere_modification
    from global_temp.{{ vue }}
{%- endmacro %}
