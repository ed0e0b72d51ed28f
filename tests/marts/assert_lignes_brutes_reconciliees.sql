-- Nothing is silently dropped: for every raw file of this refresh, raw rows = kept + merged
-- duplicates + rejected + excluded by the GDPR register; every kept feedback is in
-- fct_retour_client with the same content, and every rejected row is in the quarantine log
-- fct_ligne_rejetee.
with

rapprochement as (
    select
        fichier_source,
        nb_lignes_brutes,
        nb_lignes_retenues,
        nb_doublons_fusionnes,
        nb_lignes_rejetees,
        nb_lignes_ecartees
    from {{ ref('rapprochement_lignes_brutes') }}
),

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

fct_retour_client as (
    select
        cle_retour_client,
        note,
        cle_produit,
        ref_magasin,
        date_achat,
        libelle_source,
        libelle_categorie,
        recommandation
    from {{ ref('fct_retour_client') }}
),

int_ligne_rejetee as (
    select
        cle_rejet,
        fichier_source
    from {{ ref('int_ligne_rejetee') }}
),

fct_ligne_rejetee as (
    select cle_rejet from {{ ref('fct_ligne_rejetee') }}
),

ecarts_par_fichier as (
    select
        fichier_source,
        'brutes <> retenues + doublons + rejetées + écartées' as ecart
    from rapprochement
    where
        nb_lignes_brutes
        <> nb_lignes_retenues + nb_doublons_fusionnes + nb_lignes_rejetees + nb_lignes_ecartees
),

ecarts_quarantaine as (
    select
        int_ligne_rejetee.fichier_source,
        'ligne rejetée absente de la quarantaine' as ecart
    from int_ligne_rejetee
    left join fct_ligne_rejetee
        on int_ligne_rejetee.cle_rejet = fct_ligne_rejetee.cle_rejet
    where fct_ligne_rejetee.cle_rejet is null
),

ecarts_fait as (
    select
        'retour_client' as fichier_source,
        'retour retenu absent de fct_retour_client ou différent' as ecart
    from retours_retenus
    left join fct_retour_client
        on retours_retenus.cle_retour_client = fct_retour_client.cle_retour_client
    where
        fct_retour_client.cle_retour_client is null
        or retours_retenus.note <> fct_retour_client.note
        or retours_retenus.cle_produit <> fct_retour_client.cle_produit
        or retours_retenus.ref_magasin <> fct_retour_client.ref_magasin
        or retours_retenus.date_achat <> fct_retour_client.date_achat
        or retours_retenus.libelle_source <> fct_retour_client.libelle_source
        or retours_retenus.libelle_categorie <> fct_retour_client.libelle_categorie
        or retours_retenus.recommandation is distinct from fct_retour_client.recommandation
),

ecarts as (
    select * from ecarts_par_fichier
    union all
    select * from ecarts_quarantaine
    union all
    select * from ecarts_fait
)

select * from ecarts
