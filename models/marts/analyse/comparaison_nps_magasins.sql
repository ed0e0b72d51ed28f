{#-
    Every store against the network, over the rolling window of `magasins_fenetre_mois` months
    ending at each month of the history (the stores-to-watch window): its NPS with its adjusted
    Wald 95 % interval, its place in the funnel plot (Spiegelhalter 2005: limits at the
    network's NPS ± z × √(V / n), V the network's variance of one response, at 95 % and
    99.8 %), and its z-value against the rest of the network (the store left out, so the two
    samples are independent). The alarm is a store beyond its 99.8 % funnel limit: with 84
    stores and no real difference anywhere, that is about 0.2 false alarms a month (against
    about 4 at 95 %; measured in docs/statistiques.md).
-#}
with

int_indicateurs_magasin_mensuels as (
    select
        ref_magasin,
        mois_debut_fenetre,
        mois_fin_fenetre,
        nb_reponses,
        nb_promoteurs,
        nb_detracteurs,
        nps,
        est_echantillon_faible
    from {{ ref('int_indicateurs_magasin_mensuels') }}
),

dim_magasin as (
    select
        ref_magasin,
        code_departement
    from {{ ref('dim_magasin') }}
),

reseau as (
    select
        mois_fin_fenetre,
        sum(nb_reponses) as nb_reponses,
        sum(nb_promoteurs) as nb_promoteurs,
        sum(nb_detracteurs) as nb_detracteurs
    from int_indicateurs_magasin_mensuels
    group by mois_fin_fenetre
),

mesures as (
    select
        magasins.ref_magasin,
        dim_magasin.code_departement,
        magasins.mois_debut_fenetre,
        magasins.mois_fin_fenetre,
        magasins.nb_reponses,
        magasins.nps,
        magasins.est_echantillon_faible,
        {{ nps_wald_ajuste_depuis_comptes(
            'magasins.nb_promoteurs', 'magasins.nb_detracteurs', 'magasins.nb_reponses'
        ) }} as centre_wald_ajuste,
        {{ marge_nps_wald_ajuste_depuis_comptes(
            'magasins.nb_promoteurs', 'magasins.nb_detracteurs', 'magasins.nb_reponses'
        ) }} as marge_wald_ajuste_95,
        {{ nps_depuis_comptes(
            'reseau.nb_promoteurs', 'reseau.nb_detracteurs', 'reseau.nb_reponses'
        ) }} as nps_reseau,
        {{ variance_nps_depuis_comptes(
            'reseau.nb_promoteurs', 'reseau.nb_detracteurs', 'reseau.nb_reponses'
        ) }} as variance_unitaire_reseau,
        {{ nps_depuis_comptes(
            'reseau.nb_promoteurs - magasins.nb_promoteurs',
            'reseau.nb_detracteurs - magasins.nb_detracteurs',
            'reseau.nb_reponses - magasins.nb_reponses'
        ) }} as nps_reste_reseau,
        {{ variance_nps_depuis_comptes(
            'magasins.nb_promoteurs', 'magasins.nb_detracteurs', 'magasins.nb_reponses'
        ) }} / nullif(magasins.nb_reponses, 0) as variance_nps,
        {{ variance_nps_depuis_comptes(
            'reseau.nb_promoteurs - magasins.nb_promoteurs',
            'reseau.nb_detracteurs - magasins.nb_detracteurs',
            'reseau.nb_reponses - magasins.nb_reponses'
        ) }} / nullif(reseau.nb_reponses - magasins.nb_reponses, 0) as variance_nps_reste_reseau
    from int_indicateurs_magasin_mensuels as magasins
    inner join reseau
        on magasins.mois_fin_fenetre = reseau.mois_fin_fenetre
    inner join dim_magasin
        on magasins.ref_magasin = dim_magasin.ref_magasin
),

entonnoir as (
    select
        *,
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
        ) }} as limite_haute_998,
        (nps - nps_reseau)
        / nullif(sqrt(variance_unitaire_reseau / nullif(nb_reponses, 0)), 0) as z_entonnoir,
        {{ z_ecart('nps - nps_reste_reseau', 'variance_nps', 'variance_nps_reste_reseau') }}
            as z_reste_reseau
    from mesures
),

final as (
    select
        ref_magasin,
        code_departement,
        mois_debut_fenetre,
        mois_fin_fenetre,
        nb_reponses,
        nps,
        centre_wald_ajuste - marge_wald_ajuste_95 as borne_basse_nps_95,
        centre_wald_ajuste + marge_wald_ajuste_95 as borne_haute_nps_95,
        est_echantillon_faible,
        nps_reseau,
        nps - nps_reseau as ecart_nps_reseau,
        limite_basse_95,
        limite_haute_95,
        limite_basse_998,
        limite_haute_998,
        z_entonnoir,
        nps_reste_reseau,
        z_reste_reseau,
        cast(case
            when nb_reponses = 0 then 'sans réponse'
            when nps > limite_haute_998 then 'au-dessus, 99,8 %'
            when nps > limite_haute_95 then 'au-dessus, 95 %'
            when nps < limite_basse_998 then 'en dessous, 99,8 %'
            when nps < limite_basse_95 then 'en dessous, 95 %'
            else 'dans les limites'
        end as {{ dbt.type_string() }}) as position_entonnoir,
        coalesce(nps < limite_basse_998 or nps > limite_haute_998, false) as est_alerte
    from entonnoir
)

select * from final
