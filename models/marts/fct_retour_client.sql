with

retours_retenus as (
    select
        cle_retour_client,
        note,
        cle_produit,
        ref_magasin,
        date_achat,
        libelle_source,
        libelle_categorie,
        recommandation
    from {{ ref('int_retour_client_qualifie') }}
    where statut = 'retenue'
),

final as (
    select
        cast(cle_retour_client as bigint) as cle_retour_client,
        cast(note as integer) as note,
        cast(cle_produit as bigint) as cle_produit,
        cast(ref_magasin as bigint) as ref_magasin,
        cast(date_achat as date) as date_achat,
        cast(libelle_source as varchar) as libelle_source,
        cast(libelle_categorie as varchar) as libelle_categorie,
        cast(recommandation as boolean) as recommandation
    from retours_retenus
)

select * from final
