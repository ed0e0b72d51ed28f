-- Every store's segment over the latest window (ending at the data's latest purchase month),
-- with the indicators behind it and its location: the "stores to watch" list of the report.
with

int_indicateurs_magasin_mensuels as (
    select
        ref_magasin,
        mois_debut_fenetre,
        mois_fin_fenetre,
        nb_mois_couverts,
        nb_reponses,
        note_moyenne,
        nps,
        marge_erreur_95,
        pct_detracteurs,
        pct_recommandation_inconnue,
        tendance_nps,
        marge_tendance_nps_95,
        nps_reseau,
        ecart_nps_reseau,
        marge_ecart_nps_reseau_95,
        pct_detracteurs_reseau,
        ecart_pct_detracteurs_reseau,
        marge_ecart_pct_detracteurs_reseau_95
    from {{ ref('int_indicateurs_magasin_mensuels') }}
),

int_segments_magasin_mensuels as (
    select
        ref_magasin,
        mois_fin_fenetre,
        code_segment,
        motif
    from {{ ref('int_segments_magasin_mensuels') }}
),

segments_magasin as (
    select
        ordre,
        code_segment,
        segment,
        description,
        est_a_surveiller
    from {{ ref('segments_magasin') }}
),

dim_magasin as (
    select
        ref_magasin,
        libelle_commune,
        code_departement,
        nom_departement,
        latitude,
        longitude
    from {{ ref('dim_magasin') }}
),

dernier_mois as (
    select max(mois_fin_fenetre) as mois_fin_fenetre
    from int_segments_magasin_mensuels
),

final as (
    select
        dim_magasin.ref_magasin,
        dim_magasin.libelle_commune,
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        dim_magasin.latitude,
        dim_magasin.longitude,
        segments_magasin.ordre as ordre_segment,
        segments_magasin.code_segment,
        segments_magasin.segment,
        segments_magasin.description as description_segment,
        segments_magasin.est_a_surveiller,
        int_segments_magasin_mensuels.motif,
        int_indicateurs_magasin_mensuels.mois_debut_fenetre,
        int_indicateurs_magasin_mensuels.mois_fin_fenetre,
        int_indicateurs_magasin_mensuels.nb_mois_couverts,
        int_indicateurs_magasin_mensuels.nb_reponses,
        int_indicateurs_magasin_mensuels.note_moyenne,
        int_indicateurs_magasin_mensuels.nps,
        int_indicateurs_magasin_mensuels.marge_erreur_95,
        int_indicateurs_magasin_mensuels.pct_detracteurs,
        int_indicateurs_magasin_mensuels.pct_recommandation_inconnue,
        int_indicateurs_magasin_mensuels.tendance_nps,
        int_indicateurs_magasin_mensuels.marge_tendance_nps_95,
        int_indicateurs_magasin_mensuels.nps_reseau,
        int_indicateurs_magasin_mensuels.ecart_nps_reseau,
        int_indicateurs_magasin_mensuels.marge_ecart_nps_reseau_95,
        int_indicateurs_magasin_mensuels.pct_detracteurs_reseau,
        int_indicateurs_magasin_mensuels.ecart_pct_detracteurs_reseau,
        int_indicateurs_magasin_mensuels.marge_ecart_pct_detracteurs_reseau_95
    from dim_magasin
    cross join dernier_mois
    inner join int_segments_magasin_mensuels
        on
            dim_magasin.ref_magasin = int_segments_magasin_mensuels.ref_magasin
            and dernier_mois.mois_fin_fenetre = int_segments_magasin_mensuels.mois_fin_fenetre
    inner join int_indicateurs_magasin_mensuels
        on
            int_segments_magasin_mensuels.ref_magasin = int_indicateurs_magasin_mensuels.ref_magasin
            and int_segments_magasin_mensuels.mois_fin_fenetre
            = int_indicateurs_magasin_mensuels.mois_fin_fenetre
    inner join segments_magasin
        on int_segments_magasin_mensuels.code_segment = segments_magasin.code_segment
)

select * from final
