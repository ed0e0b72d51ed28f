{#-
    The funnel plot's limits (Spiegelhalter 2005) for each rolling window of
    `comparaison_nps_magasins`: the network's NPS ± z × √(V / n) at 95 % and 99.8 %, at 101
    sizes n spread geometrically from 1 to the window's largest store (so the curves are
    smooth at any volume). The report draws them; each store's own limits are in
    `comparaison_nps_magasins`.
-#}
with

comparaison_nps_magasins as (
    select
        mois_fin_fenetre,
        nb_reponses,
        nps_reseau
    from {{ ref('comparaison_nps_magasins') }}
),

int_indicateurs_magasin_mensuels as (
    select
        mois_fin_fenetre,
        nb_reponses,
        nb_promoteurs,
        nb_detracteurs
    from {{ ref('int_indicateurs_magasin_mensuels') }}
),

reseau as (
    select
        mois_fin_fenetre,
        {{ variance_nps_depuis_comptes(
            'sum(nb_promoteurs)', 'sum(nb_detracteurs)', 'sum(nb_reponses)'
        ) }} as variance_unitaire_reseau
    from int_indicateurs_magasin_mensuels
    group by mois_fin_fenetre
),

fenetres as (
    select
        mois_fin_fenetre,
        max(nps_reseau) as nps_reseau,
        greatest(max(nb_reponses), 1) as nb_reponses_max
    from comparaison_nps_magasins
    group by mois_fin_fenetre
),

rangs as (
    {{ dbt.generate_series(101) }}
),

tailles as (
    select distinct
        fenetres.mois_fin_fenetre,
        fenetres.nps_reseau,
        reseau.variance_unitaire_reseau,
        cast(ceil(power(
            cast(fenetres.nb_reponses_max as double), (rangs.generated_number - 1) / 100.0
        ) - 1e-9) as bigint) as nb_reponses
    from fenetres
    inner join reseau
        on fenetres.mois_fin_fenetre = reseau.mois_fin_fenetre
    cross join rangs
),

final as (
    select
        mois_fin_fenetre,
        nb_reponses,
        nps_reseau,
        {{ limite_entonnoir(
            'nps_reseau', 'variance_unitaire_reseau', 'nb_reponses', '95', 'basse'
        ) }} as limite_basse_95,
        {{ limite_entonnoir(
            'nps_reseau', 'variance_unitaire_reseau', 'nb_reponses', '95', 'haute'
        ) }} as limite_haute_95,
        {{ limite_entonnoir(
            'nps_reseau', 'variance_unitaire_reseau', 'nb_reponses', '99.8', 'basse'
        ) }} as limite_basse_998,
        {{ limite_entonnoir(
            'nps_reseau', 'variance_unitaire_reseau', 'nb_reponses', '99.8', 'haute'
        ) }} as limite_haute_998
    from tailles
)

select * from final
