with

produits_retenus as (
    select
        cle_produit,
        typologie_produit,
        titre_produit
    from {{ ref('int_produit_qualifie') }}
    where statut = 'retenue'
),

final as (
    select
        cast(cle_produit as bigint) as cle_produit,
        cast(typologie_produit as varchar) as typologie_produit,
        cast(titre_produit as varchar) as titre_produit
    from produits_retenus
)

select * from final
