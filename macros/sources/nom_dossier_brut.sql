{% macro nom_dossier_brut() -%}
    {#-
        The raw folder's name (its last path component, e.g. `echantillon` or `bestmarket`) as a
        SQL expression: what a report may print of where its data came from, never the whole
        path (which may reveal a home directory).
    -#}
    {{ return(adapter.dispatch('nom_dossier_brut', 'retailinsight360')()) }}
{%- endmacro %}

{% macro default__nom_dossier_brut() -%}
    {#- DuckDB: the folder the plugin resolved and attached (variable `bestmarket_dossier_brut`). -#}
    parse_filename(getvariable('bestmarket_dossier_brut'))
{%- endmacro %}

{% macro spark__nom_dossier_brut() -%}
    {#- Spark: the folder `preparer_sources_brutes` reads, resolved the same way. -#}
    {%- set dossier = (env_var('BESTMARKET_RAW_DIR', '') or 'data/echantillon').rstrip('/') -%}
    {{ litteral_spark(dossier.split('/') | last) }}
{%- endmacro %}
