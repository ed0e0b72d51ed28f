{% macro typer_retour_client(relation, contenu_brut) -%}
    {#-
        Typing in two paths, with the same result: a field written in its clean form (`8`,
        `2021-05-01`, `email`) is typed by a plain cast and recognised by casting it back; only
        the other fields (spaces, leading zeros, capitals, junk) go through the parsing rules
        of macros/parsing/. Most rows never meet a regular expression.
        `contenu_brut`: SQL expression of the row's raw content. It is kept only where it
        cannot be rebuilt from the typed columns: on a row with an anomaly, or one written
        otherwise than its clean form (`ligne_canonique_retour_client`), such as `007` or
        ` Email`. Everywhere else it is null, and the raw text costs nothing.
    -#}
    {%- set entiers = {1: 'cle_retour_client', 2: 'note', 3: 'cle_produit', 4: 'ref_magasin'} -%}
    select
        fichier_source,
        numero_ligne,
        case
            when anomalie is not null or not est_canonique then {{ contenu_brut }}
        end as contenu_brut,
        cle_retour_client,
        note,
        cle_produit,
        ref_magasin,
        date_achat,
        libelle_source,
        libelle_categorie,
        recommandation,
        anomalie
    from (
        select
            *,
            case
                when cle_retour_client is null
                    and lower({{ texte_brut('champ_1') }}) = 'cle_retour_client'
                    then 'ligne d''en-tête'
                when nb_champs <> 8
                    then 'nombre de champs incorrect: ' || nb_champs || ' au lieu de 8'
                {{ anomalie_champ('champ_1', 'cle_retour_client',
                    'clé de retour absente', 'clé de retour non entière') }}
                {{ anomalie_champ('champ_2', 'note', 'note absente', 'note non numérique') }}
                when note not between 0 and 10 then 'note hors de 0 à 10'
                {{ anomalie_champ('champ_3', 'cle_produit',
                    'clé produit absente', 'clé produit non entière') }}
                {{ anomalie_champ('champ_4', 'ref_magasin',
                    'référence magasin absente', 'référence magasin non entière') }}
                {{ anomalie_champ('champ_5', 'date_achat',
                    "date d''achat absente", "date d''achat illisible") }}
                when libelle_source is null then 'source absente'
                when libelle_categorie is null then 'catégorie absente'
                when recommandation is null and {{ texte_brut('champ_8') }} is not null
                    then 'recommandation illisible'
            end as anomalie
        from (
            select
                *,
                {%- for i, nom in entiers.items() %}
                case
                    when propre_{{ i }} then valeur_{{ i }}
                    else {{ entier_brut(texte_brut('champ_' ~ i)) | indent(20) }}
                end as {{ nom }},
                {%- endfor %}
                case
                    when propre_5 then valeur_5
                    else {{ date_brute(texte_brut('champ_5')) | indent(20) }}
                end as date_achat,
                case
                    when propre_6 then champ_6
                    else {{ libelle_normalise('champ_6') }}
                end as libelle_source,
                case
                    when propre_7 then champ_7
                    else {{ libelle_normalise('champ_7') }}
                end as libelle_categorie,
                case
                    when champ_8 = '1' then true
                    when champ_8 = '0' then false
                    else {{ booleen_brut(texte_brut('champ_8')) | indent(20) }}
                end as recommandation,
                coalesce(
                    {%- for i in range(1, 8) %}
                    propre_{{ i }} and
                    {%- endfor %}
                    coalesce(champ_8, '') in ('', '0', '1'),
                    false
                ) as est_canonique
            from (
                select
                    *,
                    {%- for i in range(1, 5) %}
                    {{ texte_canonique('valeur_' ~ i) }} = champ_{{ i }}
                    and abs(valeur_{{ i }}) < 1000000000000000000 as propre_{{ i }},
                    {%- endfor %}
                    {{ texte_canonique('valeur_5') }} = champ_5 as propre_5,
                    {%- for i in (6, 7) %}
                    champ_{{ i }} = lower(champ_{{ i }})
                    and {{ libelle_sans_espace_superflu('champ_' ~ i) }} as propre_{{ i }}
                    {{- ',' if not loop.last }}
                    {%- endfor %}
                from (
                    select
                        *,
                        {%- for i in range(1, 5) %}
                        {{ essai_conversion('champ_' ~ i, 'bigint') }} as valeur_{{ i }},
                        {%- endfor %}
                        {{ essai_conversion('champ_5', 'date') }} as valeur_5
                    from {{ relation }}
                ) as essais
            ) as propres
        ) as valeurs
    ) as qualifiees
{%- endmacro %}
