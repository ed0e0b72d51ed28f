{#-
    The recommended refresh interval of the segmentation, read off the stability curve: the
    largest k (months) such that, on every horizon up to k, at least `magasins_seuil_accord` %
    of stores keep their segment on average. One row, also when the history is too short to
    draw a curve (then no interval is recommended) or when even one month moves too many stores
    (then monthly, the most often the data allows, is advised, flagged below the threshold).
-#}
with

stabilite_segments_magasin as (
    select
        horizon_mois,
        pct_magasins_meme_segment,
        indice_rand_ajuste,
        est_au_dessus_du_seuil,
        est_intervalle_recommande
    from {{ ref('stabilite_segments_magasin') }}
),

int_segments_magasin_mensuels as (
    select
        mois_fin_fenetre,
        nb_mois_couverts
    from {{ ref('int_segments_magasin_mensuels') }}
),

mois_evalues as (
    select
        count(distinct mois_fin_fenetre) as nb_mois_evalues,
        count(distinct case
            when nb_mois_couverts < {{ var('magasins_fenetre_mois') }} then mois_fin_fenetre
        end) as nb_mois_evalues_fenetre_partielle,
        min(mois_fin_fenetre) as premier_mois_evalue,
        max(mois_fin_fenetre) as dernier_mois_evalue
    from int_segments_magasin_mensuels
    where nb_mois_couverts >= {{ var('magasins_couverture_minimum_mois') }}
),

courbe as (
    select
        max(horizon_mois) as horizon_max_observe,
        max(case when est_intervalle_recommande then horizon_mois end) as intervalle_acceptable
    from stabilite_segments_magasin
),

intervalle as (
    select
        horizon_max_observe,
        intervalle_acceptable,
        case
            when intervalle_acceptable is not null then intervalle_acceptable
            when horizon_max_observe is not null then 1
        end as intervalle_recommande_mois
    from courbe
),

final as (
    select
        cast({{ var('magasins_fenetre_mois') }} as integer) as fenetre_mois,
        cast({{ var('magasins_seuil_accord') }} as double) as seuil_accord,
        cast(mois_evalues.nb_mois_evalues as bigint) as nb_mois_evalues,
        cast(mois_evalues.nb_mois_evalues_fenetre_partielle as bigint)
            as nb_mois_evalues_fenetre_partielle,
        mois_evalues.premier_mois_evalue,
        mois_evalues.dernier_mois_evalue,
        cast(intervalle.horizon_max_observe as integer) as horizon_max_observe,
        cast(intervalle.intervalle_recommande_mois as integer) as intervalle_recommande_mois,
        intervalle.intervalle_acceptable is not null as est_seuil_respecte,
        coalesce(intervalle.intervalle_acceptable = intervalle.horizon_max_observe, false)
            as est_limite_par_historique,
        stabilite_segments_magasin.pct_magasins_meme_segment,
        stabilite_segments_magasin.indice_rand_ajuste
    from mois_evalues
    cross join intervalle
    left join stabilite_segments_magasin
        on intervalle.intervalle_recommande_mois = stabilite_segments_magasin.horizon_mois
)

select * from final
