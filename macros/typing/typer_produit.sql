{% macro typer_produit(relation, contenu_brut) -%}
    {#- Reference rows are few: their raw content is always kept. -#}
    select
        fichier_source,
        numero_ligne,
        {{ contenu_brut }} as contenu_brut,
        {{ entier_brut('texte_1') }} as cle_produit,
        texte_2 as typologie_produit,
        texte_3 as titre_produit,
        case
            when lower(texte_1) = 'cle_produit' then 'ligne d''en-tête'
            when nb_champs <> 3
                then 'nombre de champs incorrect: ' || nb_champs || ' au lieu de 3'
            {{ anomalie_champ('texte_1', entier_brut('texte_1'),
                'clé produit absente', 'clé produit non entière') }}
            when texte_2 is null then 'typologie absente'
            when texte_3 is null then 'titre absent'
        end as anomalie
    from (
        select
            *,
            {{ textes_bruts(3) | indent(12) }}
        from {{ relation }}
    ) as textes
{%- endmacro %}
