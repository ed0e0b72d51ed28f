{#-
    Every scope's recent window and its history, on the latest data. The window ends with the
    data's latest month and reaches back, whole months at a time, until it holds
    `alertes_reponses_min` responses (and at least `alertes_fenetre_mois_min` months): a small
    store accumulates months until it has enough. A scope that never gets there, even over its
    whole history, keeps its whole history as its window and is flagged not judgeable alone
    (`est_jugeable` false). The history is the `alertes_historique_mois` months before the
    window; the rest of the network is every other store over the window's months (stores and
    départements only).
-#}
{%- set reponses_min = var('alertes_reponses_min') -%}
{%- set fenetre_min = var('alertes_fenetre_mois_min') -%}
{%- set historique = var('alertes_historique_mois') -%}

with

int_alertes_comptes_mensuels as (
    select
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        mois,
        nb_reponses,
        nb_promoteurs,
        nb_detracteurs
    from {{ ref('int_alertes_comptes_mensuels') }}
),

dernier_mois as (
    select max(mois) as mois_fin_fenetre
    from int_alertes_comptes_mensuels
),

cumuls as (
    select
        comptes.niveau_portee,
        comptes.code_portee,
        comptes.mois,
        dernier_mois.mois_fin_fenetre,
        sum(comptes.nb_reponses) over (
            partition by comptes.niveau_portee, comptes.code_portee
            order by comptes.mois desc
            rows between unbounded preceding and current row
        ) as nb_reponses_depuis_mois,
        cast({{ dbt.dateadd('month', 1 - fenetre_min, 'dernier_mois.mois_fin_fenetre') }} as date)
            as mois_debut_au_plus_tard
    from int_alertes_comptes_mensuels as comptes
    cross join dernier_mois
),

debuts as (
    select
        niveau_portee,
        code_portee,
        mois_fin_fenetre,
        -- The latest month from which the window holds enough, moved back to the shortest
        -- window allowed (holding enough from a later month, it holds enough from there);
        -- null when no month does (`least` would skip the null).
        case
            when max(case when nb_reponses_depuis_mois >= {{ reponses_min }} then mois end)
                is not null
                then least(
                        max(case when nb_reponses_depuis_mois >= {{ reponses_min }} then mois end),
                        max(mois_debut_au_plus_tard)
                    )
        end as mois_debut_suffisant,
        min(mois) as premier_mois
    from cumuls
    group by niveau_portee, code_portee, mois_fin_fenetre
),

portees as (
    select
        niveau_portee,
        code_portee,
        max(libelle_portee) as libelle_portee,
        max(code_departement) as code_departement
    from int_alertes_comptes_mensuels
    group by niveau_portee, code_portee
),

fenetres as (
    select
        portees.niveau_portee,
        portees.code_portee,
        portees.libelle_portee,
        portees.code_departement,
        debuts.mois_fin_fenetre,
        coalesce(debuts.mois_debut_suffisant, debuts.premier_mois) as mois_debut_fenetre,
        debuts.mois_debut_suffisant is not null as est_jugeable,
        cast({{ dbt.dateadd(
            'month', -historique, 'coalesce(debuts.mois_debut_suffisant, debuts.premier_mois)'
        ) }} as date) as mois_debut_historique
    from portees
    inner join debuts
        on
            portees.niveau_portee = debuts.niveau_portee
            and portees.code_portee = debuts.code_portee
),

sommes as (
    select
        fenetres.niveau_portee,
        fenetres.code_portee,
        fenetres.libelle_portee,
        fenetres.code_departement,
        fenetres.mois_debut_fenetre,
        fenetres.mois_fin_fenetre,
        fenetres.est_jugeable,
        fenetres.mois_debut_historique,
        cast(coalesce(sum(case
            when comptes.mois >= fenetres.mois_debut_fenetre then comptes.nb_reponses
        end), 0) as bigint) as nb_reponses,
        cast(coalesce(sum(case
            when comptes.mois >= fenetres.mois_debut_fenetre then comptes.nb_promoteurs
        end), 0) as bigint) as nb_promoteurs,
        cast(coalesce(sum(case
            when comptes.mois >= fenetres.mois_debut_fenetre then comptes.nb_detracteurs
        end), 0) as bigint) as nb_detracteurs,
        cast(coalesce(sum(case
            when comptes.mois < fenetres.mois_debut_fenetre then comptes.nb_reponses
        end), 0) as bigint) as nb_reponses_historique,
        cast(coalesce(sum(case
            when comptes.mois < fenetres.mois_debut_fenetre then comptes.nb_promoteurs
        end), 0) as bigint) as nb_promoteurs_historique,
        cast(coalesce(sum(case
            when comptes.mois < fenetres.mois_debut_fenetre then comptes.nb_detracteurs
        end), 0) as bigint) as nb_detracteurs_historique
    from fenetres
    inner join int_alertes_comptes_mensuels as comptes
        on
            fenetres.niveau_portee = comptes.niveau_portee
            and fenetres.code_portee = comptes.code_portee
            and fenetres.mois_debut_historique <= comptes.mois
    group by
        fenetres.niveau_portee,
        fenetres.code_portee,
        fenetres.libelle_portee,
        fenetres.code_departement,
        fenetres.mois_debut_fenetre,
        fenetres.mois_fin_fenetre,
        fenetres.est_jugeable,
        fenetres.mois_debut_historique
),

-- The whole network over each scope's window, for the rest of the network.
reseau as (
    select
        fenetres.niveau_portee,
        fenetres.code_portee,
        cast(coalesce(sum(comptes.nb_reponses), 0) as bigint) as nb_reponses,
        cast(coalesce(sum(comptes.nb_promoteurs), 0) as bigint) as nb_promoteurs,
        cast(coalesce(sum(comptes.nb_detracteurs), 0) as bigint) as nb_detracteurs
    from fenetres
    inner join int_alertes_comptes_mensuels as comptes
        on
            comptes.niveau_portee = 'reseau'
            and fenetres.mois_debut_fenetre <= comptes.mois
    where fenetres.niveau_portee in ('magasin', 'departement')
    group by fenetres.niveau_portee, fenetres.code_portee
),

final as (
    select
        sommes.niveau_portee,
        sommes.code_portee,
        sommes.libelle_portee,
        sommes.code_departement,
        sommes.mois_debut_fenetre,
        sommes.mois_fin_fenetre,
        sommes.est_jugeable,
        sommes.nb_reponses,
        sommes.nb_promoteurs,
        sommes.nb_detracteurs,
        sommes.nb_reponses_historique,
        sommes.nb_promoteurs_historique,
        sommes.nb_detracteurs_historique,
        reseau.nb_reponses - sommes.nb_reponses as nb_reponses_reste_reseau,
        reseau.nb_promoteurs - sommes.nb_promoteurs as nb_promoteurs_reste_reseau,
        reseau.nb_detracteurs - sommes.nb_detracteurs as nb_detracteurs_reste_reseau
    from sommes
    left join reseau
        on
            sommes.niveau_portee = reseau.niveau_portee
            and sommes.code_portee = reseau.code_portee
)

select * from final
