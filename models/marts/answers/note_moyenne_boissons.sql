with

fct_retour_client as (
    select
        note,
        cle_produit
    from {{ ref('fct_retour_client') }}
),

dim_produit as (
    select
        cle_produit,
        est_boisson
    from {{ ref('dim_produit') }}
),

boissons as (
    select cle_produit from dim_produit
    where est_boisson = true
),

retours_boissons as (
    select
        fct_retour_client.note,
        fct_retour_client.cle_produit
    from fct_retour_client
    inner join boissons
        on fct_retour_client.cle_produit = boissons.cle_produit
),

final as (
    select
        (select count(*) from boissons) as nb_produits_boissons,
        count(distinct retours_boissons.cle_produit) as nb_produits_avec_retour,
        count(retours_boissons.note) as nb_retours,
        {{ moyenne('retours_boissons.note') }} as note_moyenne
    from retours_boissons
)

select * from final
