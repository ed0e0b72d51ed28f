{#-
    Typing and row-level anomaly of each BestMarket entity, from its raw text fields. The
    relation given holds `fichier_source`, `numero_ligne`, `nb_champs` (fields found on the
    line) and the raw fields `champ_1`… in export column order. The CSV and the CRM staging
    models both call these macros, so both exports are parsed by exactly the same rules. Each
    field is trimmed once and typed once; the anomaly reads the typed values.
-#}

{% macro textes_bruts(nb_champs) -%}
    {%- for i in range(1, nb_champs + 1) %}
    {{ texte_brut('champ_' ~ i) }} as texte_{{ i }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro typer_retour_client(relation, contenu_brut) -%}
    {#-
        Typing in two paths, with the same result: a field written in its clean form (`8`,
        `2021-05-01`, `email`) is typed by a plain cast and recognised by casting it back; only
        the other fields (spaces, leading zeros, capitals, junk) go through the parsing rules
        of macros/analyse_brute.sql. Most rows never meet a regular expression.
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

{% macro ligne_canonique_retour_client() -%}
    {#- A feedback's line in a clean export, rebuilt from its typed columns. -#}
    {{ dbt.concat([
        texte_canonique('cle_retour_client'), "';'",
        texte_canonique('note'), "';'",
        texte_canonique('cle_produit'), "';'",
        texte_canonique('ref_magasin'), "';'",
        texte_canonique('date_achat'), "';'",
        'libelle_source', "';'",
        'libelle_categorie', "';'",
        texte_booleen('recommandation')
    ]) }}
{%- endmacro %}

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
