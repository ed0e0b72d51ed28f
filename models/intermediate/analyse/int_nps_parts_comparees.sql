{#-
    For every comparison of `int_comparaisons_nps`, every axe and every part seen in either
    period: the part's counts before and after (0 when it has no response in a period), summed
    from the monthly counts. The decomposition and the tests of the change read these counts.
-#}
with

int_nps_parts_mensuelles as (
    select
        mois,
        axe,
        part,
        nb_reponses,
        nb_promoteurs,
        nb_detracteurs
    from {{ ref('int_nps_parts_mensuelles') }}
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

sommes as (
    select
        int_comparaisons_nps.cle_comparaison,
        int_nps_parts_mensuelles.axe,
        int_nps_parts_mensuelles.part,
        sum(case
            when int_nps_parts_mensuelles.mois <= int_comparaisons_nps.fin_avant
                and int_nps_parts_mensuelles.mois >= int_comparaisons_nps.debut_avant
                then int_nps_parts_mensuelles.nb_reponses
            else 0
        end) as nb_reponses_avant,
        sum(case
            when int_nps_parts_mensuelles.mois <= int_comparaisons_nps.fin_avant
                and int_nps_parts_mensuelles.mois >= int_comparaisons_nps.debut_avant
                then int_nps_parts_mensuelles.nb_promoteurs
            else 0
        end) as nb_promoteurs_avant,
        sum(case
            when int_nps_parts_mensuelles.mois <= int_comparaisons_nps.fin_avant
                and int_nps_parts_mensuelles.mois >= int_comparaisons_nps.debut_avant
                then int_nps_parts_mensuelles.nb_detracteurs
            else 0
        end) as nb_detracteurs_avant,
        sum(case
            when int_nps_parts_mensuelles.mois <= int_comparaisons_nps.fin_apres
                and int_nps_parts_mensuelles.mois >= int_comparaisons_nps.debut_apres
                then int_nps_parts_mensuelles.nb_reponses
            else 0
        end) as nb_reponses_apres,
        sum(case
            when int_nps_parts_mensuelles.mois <= int_comparaisons_nps.fin_apres
                and int_nps_parts_mensuelles.mois >= int_comparaisons_nps.debut_apres
                then int_nps_parts_mensuelles.nb_promoteurs
            else 0
        end) as nb_promoteurs_apres,
        sum(case
            when int_nps_parts_mensuelles.mois <= int_comparaisons_nps.fin_apres
                and int_nps_parts_mensuelles.mois >= int_comparaisons_nps.debut_apres
                then int_nps_parts_mensuelles.nb_detracteurs
            else 0
        end) as nb_detracteurs_apres
    from int_comparaisons_nps
    inner join int_nps_parts_mensuelles
        on
            (
                int_comparaisons_nps.debut_avant <= int_nps_parts_mensuelles.mois
                and int_comparaisons_nps.fin_avant >= int_nps_parts_mensuelles.mois
            )
            or (
                int_comparaisons_nps.debut_apres <= int_nps_parts_mensuelles.mois
                and int_comparaisons_nps.fin_apres >= int_nps_parts_mensuelles.mois
            )
    group by
        int_comparaisons_nps.cle_comparaison,
        int_nps_parts_mensuelles.axe,
        int_nps_parts_mensuelles.part
),

final as (
    select
        cle_comparaison,
        axe,
        part,
        cast(nb_reponses_avant as bigint) as nb_reponses_avant,
        cast(nb_promoteurs_avant as bigint) as nb_promoteurs_avant,
        cast(nb_detracteurs_avant as bigint) as nb_detracteurs_avant,
        cast(nb_reponses_apres as bigint) as nb_reponses_apres,
        cast(nb_promoteurs_apres as bigint) as nb_promoteurs_apres,
        cast(nb_detracteurs_apres as bigint) as nb_detracteurs_apres
    from sommes
)

select * from final
