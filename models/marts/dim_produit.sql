with

produits_retenus as (
    select
        cle_produit,
        typologie_produit,
        titre_produit
    from {{ ref('int_produit_qualifie') }}
    where statut = 'retenue'
),

famille_produit as (
    select
        titre_produit,
        famille_produit
    from {{ ref('famille_produit') }}
),

final as (
    select
        cast(produits_retenus.cle_produit as bigint) as cle_produit,
        cast(produits_retenus.typologie_produit as {{ dbt.type_string() }}) as typologie_produit,
        cast(produits_retenus.titre_produit as {{ dbt.type_string() }}) as titre_produit,
        cast(famille_produit.famille_produit as {{ dbt.type_string() }}) as famille_produit,
        cast(famille_produit.famille_produit = 'boisson' as boolean) as est_boisson
    from produits_retenus
    left join famille_produit
        on produits_retenus.titre_produit = famille_produit.titre_produit
)

select * from final
