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
        priorite_export,
        fichier_source,
        numero_ligne,
        contenu_brut,
        cle_produit,
        typologie_produit,
        titre_produit,
        motif_ligne as motif_rejet,
        {{ statut_ligne('motif_ligne', 'est_copie_retenue') }} as statut
    from lignes
)

select * from qualifiees
