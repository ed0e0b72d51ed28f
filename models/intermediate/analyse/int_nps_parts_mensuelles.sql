{#-
    The NPS counts of every month, split three ways (axes): by source, by feedback category
    and by département of the store. One pass over the fact; the groups come from the macro
    `nb_groupe_nps`. Every response is in exactly one part of each axe, so each axe's parts
    add up to the month's responses.
-#}
with

fct_retour_client as (
    select
        note,
        date_achat,
        libelle_source,
        libelle_categorie,
        ref_magasin
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select
        ref_magasin,
        nom_departement
    from {{ ref('dim_magasin') }}
),

retours as (
    select
        {{ debut_mois('fct_retour_client.date_achat') }} as mois,
        fct_retour_client.note,
        fct_retour_client.libelle_source,
        fct_retour_client.libelle_categorie,
        dim_magasin.nom_departement
    from fct_retour_client
    inner join dim_magasin
        on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
),

par_axe as (
    select
        mois,
        'source' as axe,
        libelle_source as part,
        note
    from retours
    union all
    select
        mois,
        'categorie' as axe,
        libelle_categorie as part,
        note
    from retours
    union all
    select
        mois,
        'departement' as axe,
        nom_departement as part,
        note
    from retours
),

final as (
    select
        mois,
        cast(axe as {{ dbt.type_string() }}) as axe,
        cast(part as {{ dbt.type_string() }}) as part,
        count(note) as nb_reponses,
        {{ nb_groupe_nps('note', 'promoteur') }} as nb_promoteurs,
        {{ nb_groupe_nps('note', 'détracteur') }} as nb_detracteurs
    from par_axe
    group by mois, axe, part
)

select * from final
