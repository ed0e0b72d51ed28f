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
