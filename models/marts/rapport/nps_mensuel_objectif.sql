with

nps_par_mois as (
    select
        mois,
        annee,
        numero_mois,
        nom_mois,
        nb_reponses,
        nb_promoteurs,
        nb_passifs,
        nb_detracteurs,
        pct_promoteurs,
        pct_passifs,
        pct_detracteurs,
        nps,
        marge_erreur_95,
        est_echantillon_faible,
        variation_nps,
        marge_variation_95,
        est_variation_significative,
        est_meilleur_mois,
        est_pire_mois
    from {{ ref('nps_par_mois') }}
),

dim_objectif_nps as (
    select
        mois,
        objectif_nps,
        origine_objectif
    from {{ ref('dim_objectif_nps') }}
),

-- Each month's target: its own, else the latest earlier one carried forward (after the last
-- month of the targets file, or in a gap); none before the first target.
objectifs_candidats as (
    select
        nps_par_mois.mois,
        dim_objectif_nps.mois as mois_objectif,
        dim_objectif_nps.objectif_nps,
        dim_objectif_nps.origine_objectif,
        row_number() over (
            partition by nps_par_mois.mois order by dim_objectif_nps.mois desc
        ) as rang
    from nps_par_mois
    inner join dim_objectif_nps
        on nps_par_mois.mois >= dim_objectif_nps.mois
),

objectif_du_mois as (
    select
        mois,
        mois_objectif,
        objectif_nps,
        origine_objectif
    from objectifs_candidats
    where rang = 1
),

final as (
    select
        nps_par_mois.*,
        objectif_du_mois.objectif_nps,
        objectif_du_mois.mois_objectif,
        objectif_du_mois.mois_objectif < nps_par_mois.mois as est_objectif_reporte,
        objectif_du_mois.origine_objectif,
        nps_par_mois.nps >= objectif_du_mois.objectif_nps as est_objectif_atteint
    from nps_par_mois
    left join objectif_du_mois
        on nps_par_mois.mois = objectif_du_mois.mois
)

select * from final
