{#-
    The change of the network's NPS between the two periods of every comparison (each month
    against the previous one, and the periods chosen through vars), with its significance and,
    for each axe (source, category, département), its split into the mix effect and the
    performance effect (sums over the axe's parts of `decomposition_nps_parts`). The change is
    tested as a difference of two independent NPS: z = ΔNPS / √(V₁ / n₁ + V₂ / n₂).
-#}
with

int_nps_parts_comparees as (
    select
        cle_comparaison,
        axe,
        nb_reponses_avant,
        nb_promoteurs_avant,
        nb_detracteurs_avant,
        nb_reponses_apres,
        nb_promoteurs_apres,
        nb_detracteurs_apres
    from {{ ref('int_nps_parts_comparees') }}
),

decomposition_nps_parts as (
    select
        cle_comparaison,
        type_comparaison,
        debut_avant,
        fin_avant,
        debut_apres,
        fin_apres,
        axe,
        effet_mix,
        effet_performance,
        est_effet_mix_significatif,
        est_effet_performance_significatif
    from {{ ref('decomposition_nps_parts') }}
),

reseau as (
    select
        cle_comparaison,
        axe,
        sum(nb_reponses_avant) as nb_reponses_avant,
        sum(nb_promoteurs_avant) as nb_promoteurs_avant,
        sum(nb_detracteurs_avant) as nb_detracteurs_avant,
        sum(nb_reponses_apres) as nb_reponses_apres,
        sum(nb_promoteurs_apres) as nb_promoteurs_apres,
        sum(nb_detracteurs_apres) as nb_detracteurs_apres
    from int_nps_parts_comparees
    group by cle_comparaison, axe
),

effets as (
    select
        cle_comparaison,
        type_comparaison,
        debut_avant,
        fin_avant,
        debut_apres,
        fin_apres,
        axe,
        count(*) as nb_parts,
        sum(effet_mix) as effet_mix,
        sum(effet_performance) as effet_performance,
        sum(case when est_effet_mix_significatif then 1 else 0 end)
            as nb_effets_mix_significatifs,
        sum(case when est_effet_performance_significatif then 1 else 0 end)
            as nb_effets_performance_significatifs
    from decomposition_nps_parts
    group by
        cle_comparaison, type_comparaison, debut_avant, fin_avant, debut_apres, fin_apres, axe
),

nps as (
    select
        cle_comparaison,
        axe,
        nb_reponses_avant,
        nb_reponses_apres,
        {{ nps_depuis_comptes('nb_promoteurs_avant', 'nb_detracteurs_avant', 'nb_reponses_avant') }}
            as nps_avant,
        {{ nps_depuis_comptes('nb_promoteurs_apres', 'nb_detracteurs_apres', 'nb_reponses_apres') }}
            as nps_apres,
        {{ variance_nps_depuis_comptes(
            'nb_promoteurs_avant', 'nb_detracteurs_avant', 'nb_reponses_avant'
        ) }} / nullif(nb_reponses_avant, 0) as variance_nps_avant,
        {{ variance_nps_depuis_comptes(
            'nb_promoteurs_apres', 'nb_detracteurs_apres', 'nb_reponses_apres'
        ) }} / nullif(nb_reponses_apres, 0) as variance_nps_apres
    from reseau
),

final as (
    select
        effets.cle_comparaison,
        effets.type_comparaison,
        effets.debut_avant,
        effets.fin_avant,
        effets.debut_apres,
        effets.fin_apres,
        effets.axe,
        cast(effets.nb_parts as bigint) as nb_parts,
        cast(nps.nb_reponses_avant as bigint) as nb_reponses_avant,
        cast(nps.nb_reponses_apres as bigint) as nb_reponses_apres,
        nps.nps_avant,
        nps.nps_apres,
        nps.nps_apres - nps.nps_avant as variation_nps,
        effets.effet_mix,
        effets.effet_performance,
        {{ z_normal('95') }} * sqrt(nps.variance_nps_avant + nps.variance_nps_apres)
            as marge_variation_95,
        {{ z_ecart(
            'nps.nps_apres - nps.nps_avant', 'nps.variance_nps_avant', 'nps.variance_nps_apres'
        ) }} as z_variation,
        coalesce(abs({{ z_ecart(
            'nps.nps_apres - nps.nps_avant', 'nps.variance_nps_avant', 'nps.variance_nps_apres'
        ) }}) > {{ z_normal('95') }}, false) as est_variation_significative,
        cast(effets.nb_effets_mix_significatifs as bigint) as nb_effets_mix_significatifs,
        cast(effets.nb_effets_performance_significatifs as bigint)
            as nb_effets_performance_significatifs
    from effets
    inner join nps
        on
            effets.cle_comparaison = nps.cle_comparaison
            and effets.axe = nps.axe
)

select * from final
