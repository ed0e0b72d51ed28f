with

fct_retour_client as (
    select
        ref_magasin,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select
        ref_magasin,
        libelle_commune,
        code_departement,
        nom_departement
    from {{ ref('dim_magasin') }}
),

par_magasin as (
    select
        ref_magasin,
        count(*) as nb_retours_drive
    from fct_retour_client
    where libelle_categorie = '{{ var("q11_categorie") }}'
    group by ref_magasin
),

final as (
    select
        par_magasin.ref_magasin,
        dim_magasin.libelle_commune,
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        par_magasin.nb_retours_drive
    from par_magasin
    inner join dim_magasin
        on par_magasin.ref_magasin = dim_magasin.ref_magasin
    where par_magasin.nb_retours_drive > {{ var('q11_seuil_feedbacks') }}
)

select * from final
