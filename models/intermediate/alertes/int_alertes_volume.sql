{#-
    Alerts `volume_effondrement` and `volume_pic`: a store or a source whose feedback volume in
    the data's latest month (from its first day to the latest purchase date) is far from what
    its history predicts. The prediction is a Poisson expectation: the scope's feedback over the
    `alertes_volume_historique_jours` days before the month, spread by the network's weekday and
    calendar-month factors (each a day's average volume on that weekday, or in that month, over
    the history, divided by the history's daily average), E = N × Σ_window f / Σ_history f with
    f = f_weekday × f_month. The gap z = (O − E) / √E beyond ±z of `alertes_niveau` is an alert,
    judged only when E reaches `alertes_volume_attendu_min` (below, a collapse to 0 is not
    even unlikely). The window is the calendar month, so a condition keeps its id all month.
-#}
{%- set historique = var('alertes_volume_historique_jours') -%}
{%- set attendu_min = var('alertes_volume_attendu_min') -%}
{%- set z = z_normal(var('alertes_niveau')) -%}

with

fct_retour_client as (
    select
        ref_magasin,
        date_achat,
        libelle_source
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select
        ref_magasin,
        code_departement,
        libelle_commune
    from {{ ref('dim_magasin') }}
),

bornes as (
    select
        max(date_achat) as date_fin,
        min(date_achat) as premiere_date,
        {{ debut_mois('max(date_achat)') }} as date_debut_fenetre
    from fct_retour_client
),

bornes_historique as (
    select
        date_fin,
        date_debut_fenetre,
        greatest(
            premiere_date,
            cast({{ dbt.dateadd('day', -historique, 'date_debut_fenetre') }} as date)
        ) as date_debut_historique
    from bornes
),

chiffres as (
    {%- for chiffre in range(10) %}
        select {{ chiffre }} as chiffre{% if not loop.last %}
            union all{% endif %}
    {%- endfor %}
),

nombres as (
    select
        unites.chiffre + 10 * dizaines.chiffre + 100 * centaines.chiffre
        + 1000 * milliers.chiffre as nombre
    from chiffres as unites
    cross join chiffres as dizaines
    cross join chiffres as centaines
    cross join chiffres as milliers
),

jours as (
    select
        cast({{ dbt.dateadd('day', '-nombres.nombre', 'bornes_historique.date_fin') }} as date)
            as jour
    from nombres
    cross join bornes_historique
    where nombres.nombre <= {{ historique + 31 }}
),

-- Every calendar day of the history and of the window, feedback or not.
calendrier as (
    select
        jours.jour,
        jours.jour >= bornes_historique.date_debut_fenetre as est_fenetre,
        {{ jour_semaine_iso('jours.jour') }} as jour_iso,
        extract(month from jours.jour) as numero_mois
    from jours
    cross join bornes_historique
    where jours.jour >= bornes_historique.date_debut_historique
),

retours as (
    select
        fct_retour_client.date_achat as jour,
        cast(fct_retour_client.ref_magasin as {{ dbt.type_string() }}) as code_magasin,
        fct_retour_client.libelle_source,
        dim_magasin.code_departement,
        'Magasin ' || cast(fct_retour_client.ref_magasin as {{ dbt.type_string() }})
        || coalesce(' – ' || dim_magasin.libelle_commune, '')
        || coalesce(' (' || dim_magasin.code_departement || ')', '') as libelle_magasin
    from fct_retour_client
    left join dim_magasin
        on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
    cross join bornes_historique
    where fct_retour_client.date_achat >= bornes_historique.date_debut_historique
),

reseau_par_jour as (
    select
        calendrier.jour,
        calendrier.est_fenetre,
        calendrier.jour_iso,
        calendrier.numero_mois,
        count(retours.jour) as nb_retours
    from calendrier
    left join retours
        on calendrier.jour = retours.jour
    group by calendrier.jour, calendrier.est_fenetre, calendrier.jour_iso, calendrier.numero_mois
),

moyenne_historique as (
    select avg(cast(nb_retours as double)) as nb_retours_par_jour
    from reseau_par_jour
    where not est_fenetre
),

facteurs_jour as (
    select
        reseau_par_jour.jour_iso,
        avg(cast(reseau_par_jour.nb_retours as double))
        / nullif(max(moyenne_historique.nb_retours_par_jour), 0) as facteur
    from reseau_par_jour
    cross join moyenne_historique
    where not reseau_par_jour.est_fenetre
    group by reseau_par_jour.jour_iso
),

facteurs_mois as (
    select
        reseau_par_jour.numero_mois,
        avg(cast(reseau_par_jour.nb_retours as double))
        / nullif(max(moyenne_historique.nb_retours_par_jour), 0) as facteur
    from reseau_par_jour
    cross join moyenne_historique
    where not reseau_par_jour.est_fenetre
    group by reseau_par_jour.numero_mois
),

-- Σ f over the history and over the window.
poids as (
    select
        sum(case
            when not calendrier.est_fenetre
                then coalesce(facteurs_jour.facteur, 1) * coalesce(facteurs_mois.facteur, 1)
            else 0
        end) as poids_historique,
        sum(case
            when calendrier.est_fenetre
                then coalesce(facteurs_jour.facteur, 1) * coalesce(facteurs_mois.facteur, 1)
            else 0
        end) as poids_fenetre
    from calendrier
    left join facteurs_jour
        on calendrier.jour_iso = facteurs_jour.jour_iso
    left join facteurs_mois
        on calendrier.numero_mois = facteurs_mois.numero_mois
),

portees as (
    select
        'magasin' as niveau_portee,
        retours.code_magasin as code_portee,
        retours.libelle_magasin as libelle_portee,
        retours.code_departement,
        retours.jour
    from retours
    union all
    select
        'source' as niveau_portee,
        retours.libelle_source as code_portee,
        retours.libelle_source as libelle_portee,
        cast(null as {{ dbt.type_string() }}) as code_departement,
        retours.jour
    from retours
    where retours.libelle_source is not null
),

comptes as (
    select
        portees.niveau_portee,
        portees.code_portee,
        portees.libelle_portee,
        portees.code_departement,
        count(case when portees.jour >= bornes_historique.date_debut_fenetre then 1 end)
            as nb_observes,
        count(case when portees.jour < bornes_historique.date_debut_fenetre then 1 end)
            as nb_historique
    from portees
    cross join bornes_historique
    group by
        portees.niveau_portee,
        portees.code_portee,
        portees.libelle_portee,
        portees.code_departement
),

attendus as (
    select
        comptes.*,
        bornes_historique.date_debut_fenetre,
        bornes_historique.date_fin,
        comptes.nb_historique * poids.poids_fenetre / nullif(poids.poids_historique, 0)
            as nb_attendus
    from comptes
    cross join poids
    cross join bornes_historique
),

ecarts as (
    select
        *,
        (nb_observes - nb_attendus) / nullif(sqrt(nb_attendus), 0) as z_volume
    from attendus
    where nb_attendus >= {{ attendu_min }}
),

declenchees as (
    select
        *,
        case
            when z_volume < -{{ z }} then 'volume_effondrement'
            when z_volume > {{ z }} then 'volume_pic'
        end as type_alerte
    from ecarts
),

final as (
    select
        cast(type_alerte as {{ dbt.type_string() }}) as type_alerte,
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        date_debut_fenetre as periode_debut,
        date_fin as periode_fin,
        cast(nb_observes as double) as valeur,
        nb_attendus as reference,
        case
            when type_alerte = 'volume_effondrement' then nb_attendus - {{ z }} * sqrt(nb_attendus)
            else nb_attendus + {{ z }} * sqrt(nb_attendus)
        end as limite,
        cast(nb_observes as bigint) as nb_reponses,
        cast(
            case when type_alerte = 'volume_effondrement' then 'alerte' else 'info' end
            as {{ dbt.type_string() }}
        ) as gravite,
        case
            when type_alerte = 'volume_effondrement' then 'Volume de retours effondré pour '
            else 'Pic de volume de retours pour '
        end
        || case when niveau_portee = 'source' then 'la source « ' || libelle_portee || ' »'
            else libelle_portee
        end
        || ' : ' || cast(nb_observes as {{ dbt.type_string() }}) || ' retours du '
        || cast(date_debut_fenetre as {{ dbt.type_string() }}) || ' au '
        || cast(date_fin as {{ dbt.type_string() }}) || ' pour '
        || {{ texte_nombre('nb_attendus') }} || ' attendus d’après son historique (limite '
        || {{ texte_nombre(
            'case when type_alerte = \'volume_effondrement\' then nb_attendus - ' ~ z
            ~ ' * sqrt(nb_attendus) else nb_attendus + ' ~ z ~ ' * sqrt(nb_attendus) end'
        ) }} || ').' as message
    from declenchees
    where type_alerte is not null
)

select * from final
