{% macro preparer_lignes_csv(source_relation, nom) -%}
    {#-
        Pre-hook of every CSV reader (written once, in `lecture_lignes_csv`): reads the raw
        file once, numbering its physical lines. DuckDB numbers lines (`with ordinality`) in
        one ordered stream, which would make the whole typing query single-threaded; landing
        the numbered lines in a temporary table first lets the typing run on every core. The table lives in the model's connection
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
