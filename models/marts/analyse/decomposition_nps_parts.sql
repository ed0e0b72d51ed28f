{#-
    Why the NPS moved, part by part (Kitagawa 1955, shift-share): for every comparison of two
    periods (each month against the previous one, and the two periods chosen through vars),
    every axe (source, category, département) and every part of it, the part's share of the
    responses (w, 0–1) and NPS (r) in both periods, its mix effect Δw × r̄ and its performance
    effect w̄ × Δr (macros `effet_mix`, `effet_performance`). Over the parts of one axe they add
    up exactly to the change of the NPS (`variation_nps`). A part without response in one
    period takes there its NPS of the other period: its whole contribution is then mix.
-#}
with

int_nps_parts_comparees as (
    select
        cle_comparaison,
        axe,
        part,
        nb_reponses_avant,
        nb_promoteurs_avant,
        nb_detracteurs_avant,
        nb_reponses_apres,
        nb_promoteurs_apres,
        nb_detracteurs_apres
    from {{ ref('int_nps_parts_comparees') }}
),

int_comparaisons_nps as (
    select
        cle_comparaison,
        type_comparaison,
        debut_avant,
        fin_avant,
        debut_apres,
        fin_apres
    from {{ ref('int_comparaisons_nps') }}
),

totaux as (
    select
        cle_comparaison,
        axe,
        sum(nb_reponses_avant) as nb_reponses_total_avant,
        sum(nb_reponses_apres) as nb_reponses_total_apres
    from int_nps_parts_comparees
    group by cle_comparaison, axe
),

parts as (
    select
        int_nps_parts_comparees.*,
        cast(int_nps_parts_comparees.nb_reponses_avant as double)
        / nullif(totaux.nb_reponses_total_avant, 0) as part_reponses_avant,
        cast(int_nps_parts_comparees.nb_reponses_apres as double)
        / nullif(totaux.nb_reponses_total_apres, 0) as part_reponses_apres,
        {{ nps_depuis_comptes(
            'int_nps_parts_comparees.nb_promoteurs_avant',
            'int_nps_parts_comparees.nb_detracteurs_avant',
            'int_nps_parts_comparees.nb_reponses_avant'
        ) }} as nps_avant,
        {{ nps_depuis_comptes(
            'int_nps_parts_comparees.nb_promoteurs_apres',
            'int_nps_parts_comparees.nb_detracteurs_apres',
            'int_nps_parts_comparees.nb_reponses_apres'
        ) }} as nps_apres,
        -- Variance of the part's NPS in each period (points²), V / n.
        {{ variance_nps_depuis_comptes(
            'int_nps_parts_comparees.nb_promoteurs_avant',
            'int_nps_parts_comparees.nb_detracteurs_avant',
            'int_nps_parts_comparees.nb_reponses_avant'
        ) }} / nullif(int_nps_parts_comparees.nb_reponses_avant, 0) as variance_nps_avant,
        {{ variance_nps_depuis_comptes(
            'int_nps_parts_comparees.nb_promoteurs_apres',
            'int_nps_parts_comparees.nb_detracteurs_apres',
            'int_nps_parts_comparees.nb_reponses_apres'
        ) }} / nullif(int_nps_parts_comparees.nb_reponses_apres, 0) as variance_nps_apres
    from int_nps_parts_comparees
    inner join totaux
        on
            int_nps_parts_comparees.cle_comparaison = totaux.cle_comparaison
            and int_nps_parts_comparees.axe = totaux.axe
),

-- A period without response for the part: its NPS of the other period (so Δr = 0 there).
completees as (
    select
        *,
        coalesce(part_reponses_avant, 0) as w_avant,
        coalesce(part_reponses_apres, 0) as w_apres,
        coalesce(nps_avant, nps_apres) as r_avant,
        coalesce(nps_apres, nps_avant) as r_apres
    from parts
),

effets as (
    select
        *,
        {{ effet_mix('w_avant', 'w_apres', 'r_avant', 'r_apres') }} as effet_mix,
        {{ effet_performance('w_avant', 'w_apres', 'r_avant', 'r_apres') }}
            as effet_performance,
        -- 95 % margins: the performance effect's from the variance of Δr, the shares taken as
        -- given; the mix effect's from the variance of r̄ (a quarter of each period's, or the
        -- one period's when the part has responses in one only).
        {{ z_normal('95') }} * (w_avant + w_apres) / 2
        * sqrt(variance_nps_avant + variance_nps_apres) as marge_effet_performance_95,
        {{ z_normal('95') }} * abs(w_apres - w_avant) * sqrt(case
            when variance_nps_avant is null then variance_nps_apres
            when variance_nps_apres is null then variance_nps_avant
            else (variance_nps_avant + variance_nps_apres) / 4
        end) as marge_effet_mix_95
    from completees
),

final as (
    select
        effets.cle_comparaison,
        int_comparaisons_nps.type_comparaison,
        int_comparaisons_nps.debut_avant,
        int_comparaisons_nps.fin_avant,
        int_comparaisons_nps.debut_apres,
        int_comparaisons_nps.fin_apres,
        effets.axe,
        effets.part,
        effets.nb_reponses_avant,
        effets.nb_reponses_apres,
        effets.w_avant as part_reponses_avant,
        effets.w_apres as part_reponses_apres,
        effets.nps_avant,
        effets.nps_apres,
        effets.effet_mix,
        effets.effet_performance,
        effets.effet_mix + effets.effet_performance as contribution,
        effets.marge_effet_mix_95,
        effets.marge_effet_performance_95,
        coalesce(abs(effets.effet_mix) > effets.marge_effet_mix_95, false)
            as est_effet_mix_significatif,
        coalesce(abs(effets.effet_performance) > effets.marge_effet_performance_95, false)
            as est_effet_performance_significatif
    from effets
    inner join int_comparaisons_nps
        on effets.cle_comparaison = int_comparaisons_nps.cle_comparaison
)

select * from final
