{#-
    Every store's indicators over a rolling window of `magasins_fenetre_mois` months, for each
    month of the history: the window ending at month m covers the months m − (window − 1) to m.
    Feedback is summed per store and month first (one pass over the fact), then over the
    window, so the fact is never repeated once per window. A store's gaps are to the rest of
    the network (every other store of the same window), so that the two samples of each gap
    are independent; `nps_reseau` is the whole network's, for display.
-#}
{%- set fenetre = var('magasins_fenetre_mois') -%}
{%- set seconde_moitie = fenetre // 2 -%}

with

fct_retour_client as (
    select
        ref_magasin,
        note,
        date_achat,
        recommandation
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select ref_magasin
    from {{ ref('dim_magasin') }}
),

retours_mois as (
    select
        ref_magasin,
        {{ debut_mois('date_achat') }} as mois,
        note,
        case when recommandation is null then 1 else 0 end as est_recommandation_inconnue
    from fct_retour_client
),

par_magasin_mois as (
    select
        ref_magasin,
        mois,
        count(note) as nb_reponses,
        sum(note) as somme_notes,
        {{ nb_groupe_nps('note', 'promoteur') }} as nb_promoteurs,
        {{ nb_groupe_nps('note', 'passif') }} as nb_passifs,
        {{ nb_groupe_nps('note', 'détracteur') }} as nb_detracteurs,
        sum(est_recommandation_inconnue) as nb_recommandations_inconnues
    from retours_mois
    group by ref_magasin, mois
),

-- The segmentation is computed at the end of every month of the history that holds feedback.
mois_historique as (
    select distinct mois
    from par_magasin_mois
),

mois_depuis_le_debut as (
    select
        mois,
        min(mois) over () as premier_mois
    from mois_historique
),

fenetres as (
    select
        mois as mois_fin_fenetre,
        cast({{ dbt.dateadd('month', 1 - fenetre, 'mois') }} as date) as mois_debut_fenetre,
        cast({{ dbt.dateadd('month', 1 - seconde_moitie, 'mois') }} as date)
            as mois_debut_seconde_moitie,
        -- `trim`: dbt-duckdb's datediff renders between blank lines.
        cast(least(
            {{ fenetre }},
            {{ dbt.datediff('premier_mois', 'mois', 'month') | trim }} + 1
        ) as integer) as nb_mois_couverts
    from mois_depuis_le_debut
),

magasins_fenetres as (
    select
        dim_magasin.ref_magasin,
        fenetres.mois_fin_fenetre,
        fenetres.mois_debut_fenetre,
        fenetres.mois_debut_seconde_moitie,
        fenetres.nb_mois_couverts
    from dim_magasin
    cross join fenetres
),

sommes as (
    select
        magasins_fenetres.ref_magasin,
        magasins_fenetres.mois_fin_fenetre,
        magasins_fenetres.mois_debut_fenetre,
        magasins_fenetres.nb_mois_couverts,
        cast(coalesce(sum(par_magasin_mois.nb_reponses), 0) as bigint) as nb_reponses,
        sum(par_magasin_mois.somme_notes) as somme_notes,
        cast(coalesce(sum(par_magasin_mois.nb_promoteurs), 0) as bigint) as nb_promoteurs,
        cast(coalesce(sum(par_magasin_mois.nb_passifs), 0) as bigint) as nb_passifs,
        cast(coalesce(sum(par_magasin_mois.nb_detracteurs), 0) as bigint) as nb_detracteurs,
        cast(coalesce(sum(par_magasin_mois.nb_recommandations_inconnues), 0) as bigint)
            as nb_recommandations_inconnues,
        cast(coalesce(sum(case
            when par_magasin_mois.mois < magasins_fenetres.mois_debut_seconde_moitie
                then par_magasin_mois.nb_reponses
        end), 0) as bigint) as nb_reponses_premiere_moitie,
        cast(coalesce(sum(case
            when par_magasin_mois.mois < magasins_fenetres.mois_debut_seconde_moitie
                then par_magasin_mois.nb_promoteurs
        end), 0) as bigint) as nb_promoteurs_premiere_moitie,
        cast(coalesce(sum(case
            when par_magasin_mois.mois < magasins_fenetres.mois_debut_seconde_moitie
                then par_magasin_mois.nb_detracteurs
        end), 0) as bigint) as nb_detracteurs_premiere_moitie,
        cast(coalesce(sum(case
            when par_magasin_mois.mois >= magasins_fenetres.mois_debut_seconde_moitie
                then par_magasin_mois.nb_reponses
        end), 0) as bigint) as nb_reponses_seconde_moitie,
        cast(coalesce(sum(case
            when par_magasin_mois.mois >= magasins_fenetres.mois_debut_seconde_moitie
                then par_magasin_mois.nb_promoteurs
        end), 0) as bigint) as nb_promoteurs_seconde_moitie,
        cast(coalesce(sum(case
            when par_magasin_mois.mois >= magasins_fenetres.mois_debut_seconde_moitie
                then par_magasin_mois.nb_detracteurs
        end), 0) as bigint) as nb_detracteurs_seconde_moitie
    from magasins_fenetres
    left join par_magasin_mois
        on
            magasins_fenetres.ref_magasin = par_magasin_mois.ref_magasin
            and magasins_fenetres.mois_debut_fenetre <= par_magasin_mois.mois
            and magasins_fenetres.mois_fin_fenetre >= par_magasin_mois.mois
    group by
        magasins_fenetres.ref_magasin,
        magasins_fenetres.mois_fin_fenetre,
        magasins_fenetres.mois_debut_fenetre,
        magasins_fenetres.nb_mois_couverts
),

reseau as (
    select
        mois_fin_fenetre,
        sum(nb_reponses) as nb_reponses,
        sum(nb_promoteurs) as nb_promoteurs,
        sum(nb_detracteurs) as nb_detracteurs
    from sommes
    group by mois_fin_fenetre
),

indicateurs as (
    select
        sommes.ref_magasin,
        sommes.mois_fin_fenetre,
        sommes.mois_debut_fenetre,
        sommes.nb_mois_couverts,
        sommes.nb_mois_couverts = {{ fenetre }} as est_fenetre_complete,
        sommes.nb_reponses,
        cast(sommes.somme_notes as double) / nullif(sommes.nb_reponses, 0) as note_moyenne,
        sommes.nb_promoteurs,
        sommes.nb_passifs,
        sommes.nb_detracteurs,
        {{ pourcentage('sommes.nb_promoteurs', 'sommes.nb_reponses') }} as pct_promoteurs,
        {{ pourcentage('sommes.nb_passifs', 'sommes.nb_reponses') }} as pct_passifs,
        {{ pourcentage('sommes.nb_detracteurs', 'sommes.nb_reponses') }} as pct_detracteurs,
        {{ marge_erreur_part_depuis_comptes('sommes.nb_detracteurs', 'sommes.nb_reponses') }}
            as marge_pct_detracteurs_95,
        {{ nps_depuis_comptes(
            'sommes.nb_promoteurs', 'sommes.nb_detracteurs', 'sommes.nb_reponses'
        ) }} as nps,
        {{ marge_erreur_nps_depuis_comptes(
            'sommes.nb_promoteurs', 'sommes.nb_detracteurs', 'sommes.nb_reponses'
        ) }} as marge_erreur_95,
        sommes.nb_reponses < {{ var('nps_taille_minimale', 30) }} as est_echantillon_faible,
        {{ pourcentage('sommes.nb_recommandations_inconnues', 'sommes.nb_reponses') }}
            as pct_recommandation_inconnue,
        sommes.nb_reponses_premiere_moitie,
        {{ nps_depuis_comptes(
            'sommes.nb_promoteurs_premiere_moitie',
            'sommes.nb_detracteurs_premiere_moitie',
            'sommes.nb_reponses_premiere_moitie'
        ) }} as nps_premiere_moitie,
        {{ marge_erreur_nps_depuis_comptes(
            'sommes.nb_promoteurs_premiere_moitie',
            'sommes.nb_detracteurs_premiere_moitie',
            'sommes.nb_reponses_premiere_moitie'
        ) }} as marge_nps_premiere_moitie_95,
        sommes.nb_reponses_seconde_moitie,
        {{ nps_depuis_comptes(
            'sommes.nb_promoteurs_seconde_moitie',
            'sommes.nb_detracteurs_seconde_moitie',
            'sommes.nb_reponses_seconde_moitie'
        ) }} as nps_seconde_moitie,
        {{ marge_erreur_nps_depuis_comptes(
            'sommes.nb_promoteurs_seconde_moitie',
            'sommes.nb_detracteurs_seconde_moitie',
            'sommes.nb_reponses_seconde_moitie'
        ) }} as marge_nps_seconde_moitie_95,
        {{ nps_depuis_comptes(
            'reseau.nb_promoteurs', 'reseau.nb_detracteurs', 'reseau.nb_reponses'
        ) }} as nps_reseau,
        {{ marge_erreur_nps_depuis_comptes(
            'reseau.nb_promoteurs', 'reseau.nb_detracteurs', 'reseau.nb_reponses'
        ) }} as marge_nps_reseau_95,
        {{ pourcentage('reseau.nb_detracteurs', 'reseau.nb_reponses') }}
            as pct_detracteurs_reseau,
        {{ marge_erreur_part_depuis_comptes('reseau.nb_detracteurs', 'reseau.nb_reponses') }}
            as marge_pct_detracteurs_reseau_95,
        {{ nps_depuis_comptes(
            '(reseau.nb_promoteurs - sommes.nb_promoteurs)',
            '(reseau.nb_detracteurs - sommes.nb_detracteurs)',
            '(reseau.nb_reponses - sommes.nb_reponses)'
        ) }} as nps_reste_reseau,
        {{ marge_erreur_nps_depuis_comptes(
            '(reseau.nb_promoteurs - sommes.nb_promoteurs)',
            '(reseau.nb_detracteurs - sommes.nb_detracteurs)',
            '(reseau.nb_reponses - sommes.nb_reponses)'
        ) }} as marge_nps_reste_reseau_95,
        {{ pourcentage(
            '(reseau.nb_detracteurs - sommes.nb_detracteurs)',
            '(reseau.nb_reponses - sommes.nb_reponses)'
        ) }} as pct_detracteurs_reste_reseau,
        {{ marge_erreur_part_depuis_comptes(
            '(reseau.nb_detracteurs - sommes.nb_detracteurs)',
            '(reseau.nb_reponses - sommes.nb_reponses)'
        ) }} as marge_pct_detracteurs_reste_reseau_95
    from sommes
    inner join reseau
        on sommes.mois_fin_fenetre = reseau.mois_fin_fenetre
),

final as (
    select
        *,
        nps_seconde_moitie - nps_premiere_moitie as tendance_nps,
        sqrt(power(marge_nps_premiere_moitie_95, 2) + power(marge_nps_seconde_moitie_95, 2))
            as marge_tendance_nps_95,
        nps - nps_reste_reseau as ecart_nps_reseau,
        sqrt(power(marge_erreur_95, 2) + power(marge_nps_reste_reseau_95, 2))
            as marge_ecart_nps_reseau_95,
        pct_detracteurs - pct_detracteurs_reste_reseau as ecart_pct_detracteurs_reseau,
        sqrt(
            power(marge_pct_detracteurs_95, 2) + power(marge_pct_detracteurs_reste_reseau_95, 2)
        ) as marge_ecart_pct_detracteurs_reseau_95
    from indicateurs
)

select * from final
