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
        code_departement
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
        fct_retour_client.note
    from fct_retour_client
    inner join dim_magasin
        on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
),

final as (
    select
        departements.code_departement,
        departements.nom_departement,
        {{ colonnes_nps('retours_departement.note') | indent(8) }}
    from departements
    left join retours_departement
        on departements.code_departement = retours_departement.code_departement
    group by departements.code_departement, departements.nom_departement
)

select * from final
