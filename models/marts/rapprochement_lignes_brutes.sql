with

statuts_retour_client as (
    select
        fichier_source,
        statut
    from {{ ref('int_retour_client_qualifie') }}
),

statuts_produit as (
    select
        fichier_source,
        statut
    from {{ ref('int_produit_qualifie') }}
),

statuts_ref_magasin as (
    select
        fichier_source,
        statut
    from {{ ref('int_magasin_qualifie') }}
),

statuts as (
    select * from statuts_retour_client
    union all
    select * from statuts_produit
    union all
    select * from statuts_ref_magasin
),

comptes as (
    select
        fichier_source,
        count(*) as nb_lignes_brutes,
        sum(case when statut = 'retenue' then 1 else 0 end) as nb_lignes_retenues,
        sum(case when statut = 'doublon fusionné' then 1 else 0 end) as nb_doublons_fusionnes,
        sum(case when statut = 'rejetée' then 1 else 0 end) as nb_lignes_rejetees,
        sum(case when statut = 'écartée' then 1 else 0 end) as nb_lignes_ecartees
    from statuts
    group by fichier_source
),

final as (
    select
        cast(fichier_source as {{ dbt.type_string() }}) as fichier_source,
        cast(nb_lignes_brutes as bigint) as nb_lignes_brutes,
        cast(nb_lignes_retenues as bigint) as nb_lignes_retenues,
        cast(nb_doublons_fusionnes as bigint) as nb_doublons_fusionnes,
        cast(nb_lignes_rejetees as bigint) as nb_lignes_rejetees,
        cast(nb_lignes_ecartees as bigint) as nb_lignes_ecartees
    from comptes
)

select * from final
