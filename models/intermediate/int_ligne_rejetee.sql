with

rejets_retour_client as (
    select
        'retour_client' as table_cible,
        fichier_source,
        numero_ligne,
        coalesce(contenu_brut, {{ ligne_canonique_retour_client() }}) as contenu_brut,
        cast(cle_retour_client as {{ dbt.type_string() }}) as cle,
        motif_rejet
    from {{ ref('int_retour_client_qualifie') }}
    where statut = 'rejetée'
),

rejets_produit as (
    select
        'produit' as table_cible,
        fichier_source,
        numero_ligne,
        contenu_brut,
        cast(cle_produit as {{ dbt.type_string() }}) as cle,
        motif_rejet
    from {{ ref('int_produit_qualifie') }}
    where statut = 'rejetée'
),

rejets_ref_magasin as (
    select
        'ref_magasin' as table_cible,
        fichier_source,
        numero_ligne,
        contenu_brut,
        cast(ref_magasin as {{ dbt.type_string() }}) as cle,
        motif_rejet
    from {{ ref('int_magasin_qualifie') }}
    where statut = 'rejetée'
),

rejets as (
    select * from rejets_retour_client
    union all
    select * from rejets_produit
    union all
    select * from rejets_ref_magasin
),

final as (
    select
        cast(table_cible as {{ dbt.type_string() }}) as table_cible,
        cast(fichier_source as {{ dbt.type_string() }}) as fichier_source,
        cast(numero_ligne as bigint) as numero_ligne,
        cast(contenu_brut as {{ dbt.type_string() }}) as contenu_brut,
        cast(cle as {{ dbt.type_string() }}) as cle,
        cast(motif_rejet as {{ dbt.type_string() }}) as motif_rejet,
        cast(
            {{ empreinte(['table_cible', 'fichier_source', 'numero_ligne', 'contenu_brut']) }}
            as {{ dbt.type_string() }}
        ) as cle_rejet
    from rejets
)

select * from final
