{#-
    The segment of every store at the end of every month, from its indicators over the rolling
    window. The rules are tried in the order of `segments_magasin.ordre`; a store takes the first
    it meets. A gap counts only when it is larger than its margin of error at the alarm level
    `magasins_niveau_alerte` (default 99.8 %: 3.09 standard errors, the funnel's alarm limit),
    so that 84 stores judged every month raise well under one false alarm a month
    (docs/statistiques.md); under `magasins_reponses_minimum` responses a store is not judged.
-#}
{%- set minimum = var('magasins_reponses_minimum') -%}
{#- The 95 % margins (1.96 standard errors) scaled to the alarm level. -#}
{%- set facteur = '(' ~ z_normal(var('magasins_niveau_alerte', '99.8')) ~ ' / '
    ~ z_normal('95') ~ ')' -%}

with

int_indicateurs_magasin_mensuels as (
    select
        ref_magasin,
        mois_fin_fenetre,
        nb_mois_couverts,
        nb_reponses,
        nb_reponses_premiere_moitie,
        nb_reponses_seconde_moitie,
        tendance_nps,
        marge_tendance_nps_95,
        ecart_nps_reseau,
        marge_ecart_nps_reseau_95,
        ecart_pct_detracteurs_reseau,
        marge_ecart_pct_detracteurs_reseau_95
    from {{ ref('int_indicateurs_magasin_mensuels') }}
),

signaux as (
    select
        ref_magasin,
        mois_fin_fenetre,
        nb_mois_couverts,
        nb_reponses < {{ minimum }} as est_trop_peu_de_retours,
        coalesce(-ecart_nps_reseau > marge_ecart_nps_reseau_95 * {{ facteur }}, false)
            as est_nps_sous_reseau,
        coalesce(ecart_nps_reseau > marge_ecart_nps_reseau_95 * {{ facteur }}, false)
            as est_nps_au_dessus_reseau,
        coalesce(
            ecart_pct_detracteurs_reseau > marge_ecart_pct_detracteurs_reseau_95 * {{ facteur }},
            false
        ) as est_detracteurs_au_dessus_reseau,
        -- A trend is read only when each half of the window holds half the minimum (rounded up).
        coalesce(
            nb_reponses_premiere_moitie >= {{ (minimum + 1) // 2 }}
            and nb_reponses_seconde_moitie >= {{ (minimum + 1) // 2 }}
            and -tendance_nps > marge_tendance_nps_95 * {{ facteur }},
            false
        ) as est_nps_en_baisse,
        coalesce(
            nb_reponses_premiere_moitie >= {{ (minimum + 1) // 2 }}
            and nb_reponses_seconde_moitie >= {{ (minimum + 1) // 2 }}
            and tendance_nps > marge_tendance_nps_95 * {{ facteur }},
            false
        ) as est_nps_en_hausse
    from int_indicateurs_magasin_mensuels
),

final as (
    select
        ref_magasin,
        mois_fin_fenetre,
        nb_mois_couverts,
        case
            when est_trop_peu_de_retours then 'trop_peu_de_retours'
            when est_nps_sous_reseau or est_detracteurs_au_dessus_reseau then 'a_suivre_de_pres'
            when est_nps_en_baisse then 'en_recul'
            when est_nps_en_hausse then 'en_progres'
            when est_nps_au_dessus_reseau then 'solides'
            else 'dans_la_norme'
        end as code_segment,
        case
            when est_trop_peu_de_retours
                then 'moins de {{ minimum }} réponses sur la fenêtre'
            when est_nps_sous_reseau and est_detracteurs_au_dessus_reseau
                then 'NPS sous celui du réseau et détracteurs plus nombreux'
            when est_nps_sous_reseau then 'NPS sous celui du réseau'
            when est_detracteurs_au_dessus_reseau
                then 'détracteurs plus nombreux que dans le réseau'
            when est_nps_en_baisse then 'NPS en baisse entre les deux moitiés de la fenêtre'
            when est_nps_en_hausse then 'NPS en hausse entre les deux moitiés de la fenêtre'
            when est_nps_au_dessus_reseau then 'NPS au-dessus de celui du réseau'
            else 'aucun écart plus grand que sa marge d''erreur'
        end as motif,
        not est_trop_peu_de_retours and est_nps_sous_reseau as est_nps_sous_reseau,
        not est_trop_peu_de_retours and est_detracteurs_au_dessus_reseau
            as est_detracteurs_au_dessus_reseau,
        not est_trop_peu_de_retours and est_nps_en_baisse as est_nps_en_baisse,
        not est_trop_peu_de_retours and est_nps_en_hausse as est_nps_en_hausse,
        not est_trop_peu_de_retours and est_nps_au_dessus_reseau as est_nps_au_dessus_reseau
    from signaux
)

select * from final
