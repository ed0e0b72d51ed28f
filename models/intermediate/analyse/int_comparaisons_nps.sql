{#-
    The pairs of periods whose NPS the analysis compares: every month of the history against
    the previous month that holds feedback (`mois_2021-02-01` compares February 2021 with January),
    and the two periods a user chooses through vars (`periodes_choisies`, whole months, both
    bounds included): `analyse_avant_debut`, `analyse_avant_fin`, `analyse_apres_debut`,
    `analyse_apres_fin` (dates; by default the first and the second quarter of 2021).
-#}
with

int_nps_parts_mensuelles as (
    select mois
    from {{ ref('int_nps_parts_mensuelles') }}
),

mois_historique as (
    select distinct mois
    from int_nps_parts_mensuelles
),

mois_consecutifs as (
    select
        mois,
        lag(mois) over (order by mois) as mois_precedent
    from mois_historique
),

comparaisons as (
    select
        'mois_' || cast(mois as {{ dbt.type_string() }}) as cle_comparaison,
        'mois' as type_comparaison,
        mois_precedent as debut_avant,
        mois_precedent as fin_avant,
        mois as debut_apres,
        mois as fin_apres
    from mois_consecutifs
    where mois_precedent is not null
    union all
    select
        'periodes_choisies' as cle_comparaison,
        'periodes' as type_comparaison,
        {{ debut_mois("cast('" ~ var('analyse_avant_debut', '2021-01-01') ~ "' as date)") }}
            as debut_avant,
        {{ debut_mois("cast('" ~ var('analyse_avant_fin', '2021-03-31') ~ "' as date)") }}
            as fin_avant,
        {{ debut_mois("cast('" ~ var('analyse_apres_debut', '2021-04-01') ~ "' as date)") }}
            as debut_apres,
        {{ debut_mois("cast('" ~ var('analyse_apres_fin', '2021-06-30') ~ "' as date)") }}
            as fin_apres
),

final as (
    select
        cast(cle_comparaison as {{ dbt.type_string() }}) as cle_comparaison,
        cast(type_comparaison as {{ dbt.type_string() }}) as type_comparaison,
        cast(debut_avant as date) as debut_avant,
        cast(fin_avant as date) as fin_avant,
        cast(debut_apres as date) as debut_apres,
        cast(fin_apres as date) as fin_apres
    from comparaisons
)

select * from final
