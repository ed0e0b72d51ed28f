{#-
    Raw inputs on Spark (target `spark`). DuckDB reads the raw folder through the project's
    dbt-duckdb plugin; Spark has no such plugin, so the on-run-start hook
    `preparer_sources_brutes` creates, once per dbt process (one SparkSession), the global
    temporary views that the sources name on Spark:
    - `global_temp.csv_<export>`: the CSV export read by Spark's `binaryFile` reader, one row per
      file (its bytes in `content`), numbered into lines by `spark__preparer_lignes_csv`;
    - `global_temp.crm_<table>`: the CRM table read by Spark's JDBC reader (SQLite driver), every
      column as text (`customSchema`), plus its `rowid`;
    - `global_temp.crm_tables`: the names of the CRM's tables (for `crm_table_existe`);
    - `global_temp.fichier_crm`: the CRM file itself (binaryFile), for its modification time.
    The SQLite file is opened read-only (driver property `open_mode` 1, SQLITE_OPEN_READONLY):
    by default the driver would create an empty `Satisfaction.db` in the raw folder when it is
    missing; the `fichier_crm` view, created first, fails instead with the file's path.
-#}

{% macro preparer_sources_brutes() -%}
    {{ return(adapter.dispatch('preparer_sources_brutes', 'retailinsight360')()) }}
{%- endmacro %}

{% macro default__preparer_sources_brutes() -%}
    {#- DuckDB: the plugin (retailinsight/dbt_plugin.py) already attached the raw folder. -#}
    select 1 as sources_deja_attachees
{%- endmacro %}

{% macro spark__preparer_sources_brutes() -%}
    {%- if execute -%}
        {#-
            Like the DuckDB plugin: by default the bundled sample of this project, wherever
            dbt runs from (`--project-dir` or DBT_PROJECT_DIR when given, else the working
            folder, the project's root); a relative BESTMARKET_RAW_DIR is relative to the
            working folder.
        -#}
        {%- set projet = flags.PROJECT_DIR or env_var('DBT_PROJECT_DIR', '') -%}
        {%- set dossier = env_var('BESTMARKET_RAW_DIR', '')
            or (projet ~ '/' if projet else '') ~ 'data/echantillon' -%}
        {%- set base = dossier ~ '/Satisfaction.db' -%}
        {%- set url = 'jdbc:sqlite:' ~ base -%}
        {%- for export in ['retour_client', 'produit', 'ref_magasin'] %}
            {%- call statement('csv_' ~ export) -%}
                create or replace global temporary view csv_{{ export }}
                using binaryFile
                options (path {{ litteral_spark(dossier ~ '/' ~ export ~ '.csv') }})
            {%- endcall -%}
        {%- endfor %}
        {#-
            The targets file is optional: the folder read through a file-name filter gives no
            row when it is absent, where a path would fail.
        -#}
        {%- call statement('csv_objectifs_nps') -%}
            create or replace global temporary view csv_objectifs_nps
            using binaryFile
            options (path {{ litteral_spark(dossier) }}, pathGlobFilter 'objectifs_nps.csv')
        {%- endcall -%}
        {#- The CRM file itself, for its modification time (`requete_fraicheur`). -#}
        {%- call statement('fichier_crm') -%}
            create or replace global temporary view fichier_crm
            using binaryFile
            options (path {{ litteral_spark(base) }})
        {%- endcall -%}
        {%- call statement('crm_tables') -%}
            create or replace global temporary view crm_tables
            using jdbc
            options (
                url {{ litteral_spark(url) }},
                driver 'org.sqlite.JDBC',
                open_mode '1',
                dbtable '(select name from sqlite_master where type in (''table'', ''view'')) as t',
                customSchema 'name string'
            )
        {%- endcall -%}
        {%- set presentes = run_query('select name from global_temp.crm_tables')
            .columns[0].values() -%}
        {%- for source_crm in graph.sources.values()
            if source_crm.source_name == 'bestmarket_crm'
            and source_crm.name in presentes %}
            {%- set colonnes = source_crm.columns.keys() | list -%}
            {#-
                Cast to text in SQLite (a CHAR(n) column would otherwise come back padded by
                Spark's read-side char padding) and read as string (`customSchema`: the driver
                may report a computed column as decimal).
            -#}
            {%- set textes = [] -%}
            {%- for colonne in colonnes -%}
                {%- do textes.append('cast(' ~ colonne ~ ' as text) as ' ~ colonne) -%}
            {%- endfor -%}
            {%- call statement('crm_' ~ source_crm.name) -%}
                create or replace global temporary view crm_{{ source_crm.name }}
                using jdbc
                options (
                    url {{ litteral_spark(url) }},
                    driver 'org.sqlite.JDBC',
                open_mode '1',
                    dbtable '(select rowid as rowid, {{ textes | join(", ") }} from {{ source_crm.name }}) as t',
                    customSchema 'rowid bigint, {{ colonnes | join(" string, ") }} string'
                )
            {%- endcall -%}
        {%- endfor %}
    {%- endif -%}
    select 1 as sources_preparees
{%- endmacro %}
