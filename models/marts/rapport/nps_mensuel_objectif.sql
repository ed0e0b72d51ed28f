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

objectifs_nps as (
    select
        mois,
        objectif_nps
    from {{ ref('objectifs_nps') }}
),

final as (
    select
        nps_par_mois.*,
        objectifs_nps.objectif_nps,
        nps_par_mois.nps >= objectifs_nps.objectif_nps as est_objectif_atteint
    from nps_par_mois
    left join objectifs_nps
        on nps_par_mois.mois = objectifs_nps.mois
)

select * from final
