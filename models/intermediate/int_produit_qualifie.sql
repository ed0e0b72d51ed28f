with

lignes as (
    {{ qualifier_lignes(
        [ref('stg_bestmarket_csv__produit'), ref('stg_bestmarket_crm__produit')],
        'cle_produit',
        ['typologie_produit', 'titre_produit']
    ) | indent(4) }}
),

qualifiees as (
    select
        *,
        motif_ligne as motif_rejet,
        {{ statut_ligne('motif_ligne', 'rang_copie') }} as statut
    from lignes
)

select * from qualifiees
