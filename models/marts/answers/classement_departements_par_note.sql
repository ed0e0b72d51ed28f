with

fct_retour_client as (
    select
        note,
        ref_magasin
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select
        ref_magasin,
        code_departement,
        nom_departement
    from {{ ref('dim_magasin') }}
),

departements as (
    select
        code_departement,
        nom_departement
    from {{ ref('departements_idf') }}
),

retours_departement as (
    select
        dim_magasin.code_departement,
        fct_retour_client.note,
        fct_retour_client.ref_magasin
    from fct_retour_client
    inner join dim_magasin
        on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
),

par_departement as (
    select
        departements.code_departement,
        departements.nom_departement,
        count(distinct retours_departement.ref_magasin) as nb_magasins_avec_retour,
        count(retours_departement.note) as nb_retours,
        {{ moyenne('retours_departement.note') }} as note_moyenne
    from departements
    left join retours_departement
        on departements.code_departement = retours_departement.code_departement
    group by departements.code_departement, departements.nom_departement
),

final as (
    select
        code_departement,
        nom_departement,
        nb_magasins_avec_retour,
        nb_retours,
        note_moyenne,
        cast(rank() over (order by note_moyenne desc nulls last) as bigint) as rang
    from par_departement
)

select * from final
