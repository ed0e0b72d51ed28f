{#-
    Every département against the rest of the network, over the same rolling windows as the
    stores (`comparaison_nps_magasins`): its NPS with its adjusted Wald 95 % interval, its
    place in the funnel plot (limits at the network's NPS ± z × √(V / n), at 95 % and 99.8 %)
    and its z-value against the rest of the network (its stores left out). The alarm is a
    département beyond its 99.8 % funnel limit, as for the stores.
-#}
with

int_indicateurs_magasin_mensuels as (
    select
        ref_magasin,
        mois_debut_fenetre,
        mois_fin_fenetre,
        nb_reponses,
        nb_promoteurs,
        nb_detracteurs
    from {{ ref('int_indicateurs_magasin_mensuels') }}
),

dim_magasin as (
    select
        ref_magasin,
        code_departement,
        nom_departement
    from {{ ref('dim_magasin') }}
),

departements as (
    select
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        int_indicateurs_magasin_mensuels.mois_debut_fenetre,
        int_indicateurs_magasin_mensuels.mois_fin_fenetre,
        count(*) as nb_magasins,
        sum(int_indicateurs_magasin_mensuels.nb_reponses) as nb_reponses,
        sum(int_indicateurs_magasin_mensuels.nb_promoteurs) as nb_promoteurs,
        sum(int_indicateurs_magasin_mensuels.nb_detracteurs) as nb_detracteurs
    from int_indicateurs_magasin_mensuels
    inner join dim_magasin
        on int_indicateurs_magasin_mensuels.ref_magasin = dim_magasin.ref_magasin
    group by
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        int_indicateurs_magasin_mensuels.mois_debut_fenetre,
        int_indicateurs_magasin_mensuels.mois_fin_fenetre
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
        departements.code_departement,
        departements.nom_departement,
        departements.mois_debut_fenetre,
        departements.mois_fin_fenetre,
        departements.nb_magasins,
        departements.nb_reponses,
        {{ nps_depuis_comptes(
            'departements.nb_promoteurs', 'departements.nb_detracteurs', 'departements.nb_reponses'
        ) }} as nps,
        departements.nb_reponses < {{ var('nps_taille_minimale', 30) }} as est_echantillon_faible,
        {{ nps_wald_ajuste_depuis_comptes(
            'departements.nb_promoteurs', 'departements.nb_detracteurs', 'departements.nb_reponses'
        ) }} as centre_wald_ajuste,
        {{ marge_nps_wald_ajuste_depuis_comptes(
            'departements.nb_promoteurs', 'departements.nb_detracteurs', 'departements.nb_reponses'
        ) }} as marge_wald_ajuste_95,
        {{ nps_depuis_comptes(
            'reseau.nb_promoteurs', 'reseau.nb_detracteurs', 'reseau.nb_reponses'
        ) }} as nps_reseau,
        {{ variance_nps_depuis_comptes(
            'reseau.nb_promoteurs', 'reseau.nb_detracteurs', 'reseau.nb_reponses'
        ) }} as variance_unitaire_reseau,
        {{ nps_depuis_comptes(
            'reseau.nb_promoteurs - departements.nb_promoteurs',
            'reseau.nb_detracteurs - departements.nb_detracteurs',
            'reseau.nb_reponses - departements.nb_reponses'
        ) }} as nps_reste_reseau,
        {{ variance_nps_depuis_comptes(
            'departements.nb_promoteurs', 'departements.nb_detracteurs', 'departements.nb_reponses'
        ) }} / nullif(departements.nb_reponses, 0) as variance_nps,
        {{ variance_nps_depuis_comptes(
            'reseau.nb_promoteurs - departements.nb_promoteurs',
            'reseau.nb_detracteurs - departements.nb_detracteurs',
            'reseau.nb_reponses - departements.nb_reponses'
        ) }} / nullif(reseau.nb_reponses - departements.nb_reponses, 0) as variance_nps_reste_reseau
    from departements
    inner join reseau
        on departements.mois_fin_fenetre = reseau.mois_fin_fenetre
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
        code_departement,
        nom_departement,
        mois_debut_fenetre,
        mois_fin_fenetre,
        cast(nb_magasins as bigint) as nb_magasins,
        cast(nb_reponses as bigint) as nb_reponses,
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
