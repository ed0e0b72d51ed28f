with

fct_retour_client as (
    select
        cle_retour_client,
        note,
        date_achat,
        ref_magasin,
        cle_produit,
        libelle_source
    from {{ ref('fct_retour_client') }}
),

dim_produit as (
    select
        cle_produit,
        titre_produit
    from {{ ref('dim_produit') }}
),

dim_magasin as (
    select
        ref_magasin,
        libelle_commune,
        code_departement
    from {{ ref('dim_magasin') }}
),

final as (
    select
        fct_retour_client.cle_retour_client,
        fct_retour_client.note,
        fct_retour_client.date_achat,
        fct_retour_client.ref_magasin,
        dim_magasin.libelle_commune,
        dim_magasin.code_departement,
        dim_produit.titre_produit,
        fct_retour_client.libelle_source
    from fct_retour_client
    inner join dim_produit
        on fct_retour_client.cle_produit = dim_produit.cle_produit
    inner join dim_magasin
        on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
    where
        fct_retour_client.libelle_source = '{{ var("q05_source") }}'
        and dim_produit.titre_produit = '{{ var("q05_titre_produit") }}'
)

select * from final
