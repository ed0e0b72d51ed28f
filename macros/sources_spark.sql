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

{% macro litteral_spark(texte) -%}
    {#- `texte` as a Spark SQL string literal: backslash and quote escaped, never pasted bare. -#}
    '{{ texte | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}

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

{% macro spark__preparer_lignes_csv(source_relation, nom) -%}
    {#-
        The file's text (Windows-1252) split on its line ends, each physical line with its
        1-based number, empty lines kept (as null, like DuckDB's reader), the empty piece after
        the final line end dropped; cached, so the file is read once per model.
    -#}
    cache table lignes_csv_{{ nom }} as
    select
        cast(position + 1 as bigint) as numero_ligne,
        nullif(ligne, '') as ligne
    from (
        select
            posexplode(
                case
                    when element_at(lignes, -1) = '' then slice(lignes, 1, size(lignes) - 1)
                    else lignes
                end
            ) as (position, ligne)
        from (
            select split(decode(content, 'windows-1252'), '\r\n|\r|\n', -1) as lignes
            from {{ source_relation }}
        ) as fichier
    ) as lignes_numerotees
{%- endmacro %}

{% macro spark__lignes_csv_brutes(nom, nb_champs) -%}
    select
        fichier_source,
        numero_ligne,
        contenu_brut,
        size(champs) as nb_champs,
        {%- for i in range(1, nb_champs + 1) %}
        try_element_at(champs, {{ i }}) as champ_{{ i }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            '{{ nom }}.csv' as fichier_source,
            numero_ligne,
            ligne as contenu_brut,
            split(coalesce(ligne, ''), ';', -1) as champs
        from lignes_csv_{{ nom }}
    ) as lignes
{%- endmacro %}

{% macro spark__liberer_lignes_csv(nom) -%}
    drop view if exists lignes_csv_{{ nom }}
{%- endmacro %}

{% macro spark__compte_tables_crm(nom_table) -%}
    select count(*) from global_temp.crm_tables where name = '{{ nom_table }}'
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {#-
        Seeds on Spark: dbt-spark's session cursor pastes the seed's values into the insert
        unquoted-escaped (`Val-d'Oise` breaks it), so each value is written here as a literal,
        a quote or backslash escaped as Spark's string literals want.
    -#}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    {%- set valeur = row[loop.index0] -%}
                    cast({{ 'null' if valeur is none else litteral_spark(valeur) }} as {{ type }})
                    {{- ',' if not loop.last }}
                {%- endfor -%})
                {{- ',' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}

{% macro spark__get_empty_schema_sql(columns) -%}
    {#-
        Contracts on Spark: the marts declare DuckDB's type names; the two that Spark spells
        otherwise are translated (`varchar` is Spark's `string`; `hugeint`, DuckDB's sum of
        integers, is Spark's `bigint`), then dbt's own check compares them with the model's.
    -#}
    {%- set types_spark = {'varchar': 'string', 'hugeint': 'bigint'} -%}
    {%- set colonnes = {} -%}
    {%- for nom in columns -%}
        {%- set colonne = dict(columns[nom]) -%}
        {%- if colonne.get('data_type') -%}
            {%- set type_declare = colonne['data_type'] | trim | lower -%}
            {%- do colonne.update({'data_type': types_spark.get(type_declare, type_declare)}) -%}
        {%- endif -%}
        {%- do colonnes.update({nom: colonne}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(colonnes)) }}
{%- endmacro %}
