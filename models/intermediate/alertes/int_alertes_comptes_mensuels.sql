{#-
    The feedback counted once per month for every scope an alert can name: each store, each
    département, the chain (`reseau`), each source and each category. The NPS groups come from
    `nb_groupe_nps`, applied to the notes before any sum, so that every window of the alert
    models is a sum of these rows.
-#}
with

fct_retour_client as (
    select
        ref_magasin,
        note,
        date_achat,
        libelle_source,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select
        ref_magasin,
        code_departement,
        nom_departement,
        libelle_commune
    from {{ ref('dim_magasin') }}
),

retours as (
    select
        fct_retour_client.note,
        fct_retour_client.libelle_source,
        fct_retour_client.libelle_categorie,
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        dim_magasin.libelle_commune,
        cast(fct_retour_client.ref_magasin as {{ dbt.type_string() }}) as code_magasin,
        {{ debut_mois('fct_retour_client.date_achat') }} as mois
    from fct_retour_client
    left join dim_magasin
        on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
),

portees as (
    select
        'magasin' as niveau_portee,
        code_magasin as code_portee,
        'Magasin ' || code_magasin
        || coalesce(' – ' || libelle_commune, '')
        || coalesce(' (' || code_departement || ')', '') as libelle_portee,
        code_departement,
        mois,
        note
    from retours
    union all
    select
        'departement' as niveau_portee,
        coalesce(code_departement, 'inconnu') as code_portee,
        coalesce(nom_departement || ' (' || code_departement || ')', 'département inconnu')
            as libelle_portee,
        code_departement,
        mois,
        note
    from retours
    union all
    select
        'reseau' as niveau_portee,
        'reseau' as code_portee,
        'le réseau' as libelle_portee,
        cast(null as {{ dbt.type_string() }}) as code_departement,
        mois,
        note
    from retours
    union all
    select
        'source' as niveau_portee,
        libelle_source as code_portee,
        libelle_source as libelle_portee,
        cast(null as {{ dbt.type_string() }}) as code_departement,
        mois,
        note
    from retours
    where libelle_source is not null
    union all
    select
        'categorie' as niveau_portee,
        libelle_categorie as code_portee,
        libelle_categorie as libelle_portee,
        cast(null as {{ dbt.type_string() }}) as code_departement,
        mois,
        note
    from retours
    where libelle_categorie is not null
),

final as (
    select
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        mois,
        count(note) as nb_reponses,
        {{ nb_groupe_nps('note', 'promoteur') }} as nb_promoteurs,
        {{ nb_groupe_nps('note', 'détracteur') }} as nb_detracteurs
    from portees
    group by niveau_portee, code_portee, libelle_portee, code_departement, mois
)

select * from final
