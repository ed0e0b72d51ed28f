{#-
    The stability curve: for each horizon k (months), how much the segmentation of month m
    agrees with that of month m + k, pooled over every pair of evaluated months k apart (each
    store of each pair counted once; the adjusted Rand index averaged over the pairs). An
    interval k is acceptable when at least `magasins_seuil_accord` % of stores keep their
    segment; the recommended refresh interval is the largest k such that every horizon up to k
    is acceptable.
-#}
with

int_accord_segments_magasin as (
    select
        horizon_mois,
        nb_magasins,
        nb_magasins_meme_segment,
        pct_magasins_meme_segment,
        nb_magasins_juges,
        nb_magasins_juges_meme_segment,
        indice_rand_ajuste
    from {{ ref('int_accord_segments_magasin') }}
),

par_horizon as (
    select
        horizon_mois,
        count(*) as nb_paires_mois,
        {{ pourcentage('sum(nb_magasins_meme_segment)', 'sum(nb_magasins)') }}
            as pct_magasins_meme_segment,
        min(pct_magasins_meme_segment) as pct_magasins_meme_segment_min,
        sum(nb_magasins_juges) as nb_magasins_juges,
        {{ pourcentage('sum(nb_magasins_juges_meme_segment)', 'sum(nb_magasins_juges)') }}
            as pct_magasins_juges_meme_segment,
        avg(indice_rand_ajuste) as indice_rand_ajuste,
        min(indice_rand_ajuste) as indice_rand_ajuste_min
    from int_accord_segments_magasin
    group by horizon_mois
),

acceptables as (
    select
        *,
        pct_magasins_meme_segment >= {{ var('magasins_seuil_accord') }} as est_au_dessus_du_seuil
    from par_horizon
),

-- Horizons 1..k all acceptable: no horizon at or below k falls under the threshold.
continus as (
    select
        *,
        min(case when est_au_dessus_du_seuil then 1 else 0 end) over (
            order by horizon_mois rows between unbounded preceding and current row
        ) = 1 as est_acceptable_jusque_la
    from acceptables
),

final as (
    select
        horizon_mois,
        cast(nb_paires_mois as bigint) as nb_paires_mois,
        pct_magasins_meme_segment,
        pct_magasins_meme_segment_min,
        cast(nb_magasins_juges as bigint) as nb_magasins_juges,
        pct_magasins_juges_meme_segment,
        indice_rand_ajuste,
        indice_rand_ajuste_min,
        cast({{ var('magasins_seuil_accord') }} as double) as seuil_accord,
        est_au_dessus_du_seuil,
        coalesce(
            horizon_mois = max(case when est_acceptable_jusque_la then horizon_mois end) over (),
            false
        ) as est_intervalle_recommande
    from continus
)

select * from final
