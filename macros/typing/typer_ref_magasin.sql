{% macro typer_ref_magasin(relation, contenu_brut) -%}
    {#- Reference rows are few: their raw content is always kept. -#}
    select
        fichier_source,
        numero_ligne,
        {{ contenu_brut }} as contenu_brut,
        {{ entier_brut('texte_1') }} as ref_magasin,
        texte_2 as code_departement,
        texte_3 as code_commune,
        texte_4 as libelle_commune,
        {{ entier_brut('texte_5') }} as population,
        {{ decimal_brut('texte_6') }} as latitude,
        {{ decimal_brut('texte_7') }} as longitude,
        case
            when lower(texte_1) = 'ref_magasin' then 'ligne d''en-tête'
            when nb_champs <> 7
                then 'nombre de champs incorrect: ' || nb_champs || ' au lieu de 7'
            {{ anomalie_champ('texte_1', entier_brut('texte_1'),
                'référence magasin absente', 'référence magasin non entière') }}
            when texte_2 is null then 'département absent'
            when texte_4 is null then 'commune absente'
            when texte_5 is not null
                and {{ entier_brut('texte_5') }} is null then 'population non entière'
            when texte_6 is not null
                and {{ decimal_brut('texte_6') }} is null then 'latitude non numérique'
            when texte_7 is not null
                and {{ decimal_brut('texte_7') }} is null then 'longitude non numérique'
        end as anomalie
    from (
        select
            *,
            {{ textes_bruts(7) | indent(12) }}
        from {{ relation }}
    ) as textes
{%- endmacro %}
