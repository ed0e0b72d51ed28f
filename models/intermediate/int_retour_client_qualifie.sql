{#-
    The feedback's CSV staging model is ephemeral, inlined into this query: this model reads the
    export's lines, so it runs the hooks every CSV reader runs (`lecture_lignes_csv`).
-#}
{{ config(**lecture_lignes_csv('retour_client')) }}

with

lignes as (
    {{ qualifier_lignes(
        [ref('stg_bestmarket_csv__retour_client'), ref('stg_bestmarket_crm__retour_client')],
        'cle_retour_client',
        ['note', 'cle_produit', 'ref_magasin', 'date_achat', 'libelle_source',
         'libelle_categorie', 'recommandation']
    ) | indent(4) }}
),

produits_retenus as (
    select cle_produit from {{ ref('int_produit_qualifie') }}
    where statut = 'retenue'
),

magasins_retenus as (
    select ref_magasin from {{ ref('int_magasin_qualifie') }}
    where statut = 'retenue'
),

controlees as (
    select
        lignes.priorite_export,
        lignes.fichier_source,
        lignes.numero_ligne,
        lignes.contenu_brut,
        lignes.cle_retour_client,
        lignes.note,
        lignes.cle_produit,
        lignes.ref_magasin,
        lignes.date_achat,
        lignes.libelle_source,
        lignes.libelle_categorie,
        lignes.recommandation,
        lignes.est_copie_retenue,
        coalesce(
            lignes.motif_ligne,
            case
                when produits_retenus.cle_produit is null
                    then 'clé produit orpheline: ' || lignes.cle_produit
                        || ' absente du référentiel produit'
                when magasins_retenus.ref_magasin is null
                    then 'référence magasin orpheline: ' || lignes.ref_magasin
                        || ' absente du référentiel magasin'
            end
        ) as motif_rejet
    from lignes
    left join produits_retenus
        on lignes.cle_produit = produits_retenus.cle_produit
    left join magasins_retenus
        on lignes.ref_magasin = magasins_retenus.ref_magasin
),

ecartees as (
    select
        *,
        {{ est_ecartee_par_registre(
            'coalesce(cast(cle_retour_client as hugeint), '
            ~ cle_ligne_brute('contenu_brut') ~ ')',
            'date_achat') }} as est_ecartee
    from controlees
),

qualifiees as (
    {#-
        A line the GDPR register excludes keeps only its place (file, line) and the reason:
        no key, no content, so that nothing of it is stored, and the reconciliation counts it.
    -#}
    select
        priorite_export,
        fichier_source,
        numero_ligne,
        case when not est_ecartee then contenu_brut end as contenu_brut,
        case when not est_ecartee then cle_retour_client end as cle_retour_client,
        case when not est_ecartee then note end as note,
        case when not est_ecartee then cle_produit end as cle_produit,
        case when not est_ecartee then ref_magasin end as ref_magasin,
        case when not est_ecartee then date_achat end as date_achat,
        case when not est_ecartee then libelle_source end as libelle_source,
        case when not est_ecartee then libelle_categorie end as libelle_categorie,
        case when not est_ecartee then recommandation end as recommandation,
        case when est_ecartee then {{ motif_registre() }} else motif_rejet end as motif_rejet,
        {{ statut_ligne(
            'case when est_ecartee then ' ~ motif_registre() ~ ' else motif_rejet end',
            'est_copie_retenue') }} as statut
    from ecartees
)

select * from qualifiees
