{#-
    Typed columns and row-level anomaly of each BestMarket entity, from its raw text fields.
    `champs` lists the raw expressions in export column order; `nb_champs` counts the fields
    found on the line. Used by the CSV and the CRM staging models alike, so both exports are
    parsed by exactly the same rules.
-#}

{% macro colonnes_retour_client(champs, nb_champs) -%}
    {{ entier_brut(champs[0]) }} as cle_retour_client,
    {{ entier_brut(champs[1]) }} as note,
    {{ entier_brut(champs[2]) }} as cle_produit,
    {{ entier_brut(champs[3]) }} as ref_magasin,
    {{ date_brute(champs[4]) }} as date_achat,
    {{ libelle_normalise(champs[5]) }} as libelle_source,
    {{ libelle_normalise(champs[6]) }} as libelle_categorie,
    {{ booleen_brut(champs[7]) }} as recommandation,
    case
        when lower(trim({{ champs[0] }})) = 'cle_retour_client' then 'ligne d''en-tête'
        when {{ nb_champs }} <> 8
            then 'nombre de champs incorrect: ' || {{ nb_champs }} || ' au lieu de 8'
        {{ anomalie_champ(champs[0], entier_brut(champs[0]),
            'clé de retour absente', 'clé de retour non entière') }}
        {{ anomalie_champ(champs[1], entier_brut(champs[1]),
            'note absente', 'note non numérique') }}
        when {{ entier_brut(champs[1]) }} not between 0 and 10 then 'note hors de 0 à 10'
        {{ anomalie_champ(champs[2], entier_brut(champs[2]),
            'clé produit absente', 'clé produit non entière') }}
        {{ anomalie_champ(champs[3], entier_brut(champs[3]),
            'référence magasin absente', 'référence magasin non entière') }}
        {{ anomalie_champ(champs[4], date_brute(champs[4]),
            "date d''achat absente", "date d''achat illisible") }}
        when {{ libelle_normalise(champs[5]) }} is null then 'source absente'
        when {{ libelle_normalise(champs[6]) }} is null then 'catégorie absente'
        when {{ texte_brut(champs[7]) }} is not null
            and {{ booleen_brut(champs[7]) }} is null then 'recommandation illisible'
    end as anomalie
{%- endmacro %}

{% macro colonnes_produit(champs, nb_champs) -%}
    {{ entier_brut(champs[0]) }} as cle_produit,
    {{ texte_brut(champs[1]) }} as typologie_produit,
    {{ texte_brut(champs[2]) }} as titre_produit,
    case
        when lower(trim({{ champs[0] }})) = 'cle_produit' then 'ligne d''en-tête'
        when {{ nb_champs }} <> 3
            then 'nombre de champs incorrect: ' || {{ nb_champs }} || ' au lieu de 3'
        {{ anomalie_champ(champs[0], entier_brut(champs[0]),
            'clé produit absente', 'clé produit non entière') }}
        when {{ texte_brut(champs[1]) }} is null then 'typologie absente'
        when {{ texte_brut(champs[2]) }} is null then 'titre absent'
    end as anomalie
{%- endmacro %}

{% macro colonnes_ref_magasin(champs, nb_champs) -%}
    {{ entier_brut(champs[0]) }} as ref_magasin,
    {{ texte_brut(champs[1]) }} as code_departement,
    {{ texte_brut(champs[2]) }} as code_commune,
    {{ texte_brut(champs[3]) }} as libelle_commune,
    {{ entier_brut(champs[4]) }} as population,
    {{ decimal_brut(champs[5]) }} as latitude,
    {{ decimal_brut(champs[6]) }} as longitude,
    case
        when lower(trim({{ champs[0] }})) = 'ref_magasin' then 'ligne d''en-tête'
        when {{ nb_champs }} <> 7
            then 'nombre de champs incorrect: ' || {{ nb_champs }} || ' au lieu de 7'
        {{ anomalie_champ(champs[0], entier_brut(champs[0]),
            'référence magasin absente', 'référence magasin non entière') }}
        when {{ texte_brut(champs[1]) }} is null then 'département absent'
        when {{ texte_brut(champs[3]) }} is null then 'commune absente'
        when {{ texte_brut(champs[4]) }} is not null
            and {{ entier_brut(champs[4]) }} is null then 'population non entière'
        when {{ texte_brut(champs[5]) }} is not null
            and {{ decimal_brut(champs[5]) }} is null then 'latitude non numérique'
        when {{ texte_brut(champs[6]) }} is not null
            and {{ decimal_brut(champs[6]) }} is null then 'longitude non numérique'
    end as anomalie
{%- endmacro %}
