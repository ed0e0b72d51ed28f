{#-
    Alerts `nps_baisse`: a store, a département or the chain whose NPS over its recent window
    (`int_alertes_fenetres`) is below its own history or below the rest of the network by more
    than the control limit: the z-value of the gap (macro `z_ecart`, the NPS variance
    V = 100² (p + d − (p − d)²) over n on each side, macro `variance_nps_depuis_comptes`) under
    −z of `alertes_niveau` (one-sided). A comparison is made only when both sides hold
    `alertes_reponses_min` responses. A store that does not reach that floor even over its whole
    history is never alerted alone: its département and the chain are judged instead, and their
    message counts the stores left to them.
-#}
{%- set reponses_min = var('alertes_reponses_min') -%}
{%- set z = z_normal(var('alertes_niveau')) -%}

with

int_alertes_fenetres as (
    select
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        mois_debut_fenetre,
        mois_fin_fenetre,
        est_jugeable,
        nb_reponses,
        nb_promoteurs,
        nb_detracteurs,
        nb_reponses_historique,
        nb_promoteurs_historique,
        nb_detracteurs_historique,
        nb_reponses_reste_reseau,
        nb_promoteurs_reste_reseau,
        nb_detracteurs_reste_reseau
    from {{ ref('int_alertes_fenetres') }}
    where niveau_portee in ('magasin', 'departement', 'reseau')
),

-- The stores too small to be judged alone, counted where they are judged instead.
magasins_non_jugeables as (
    select
        code_departement,
        count(*) as nb_magasins
    from int_alertes_fenetres
    where niveau_portee = 'magasin' and not est_jugeable
    group by code_departement
),

mesures as (
    select
        fenetres.*,
        {{ nps_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }} as nps,
        {{ variance_nps_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }}
        / nullif(fenetres.nb_reponses, 0) as variance_nps,
        case when fenetres.nb_reponses_historique >= {{ reponses_min }} then {{ nps_depuis_comptes(
            'nb_promoteurs_historique', 'nb_detracteurs_historique', 'nb_reponses_historique'
        ) }} end as nps_historique,
        {{ variance_nps_depuis_comptes(
            'nb_promoteurs_historique', 'nb_detracteurs_historique', 'nb_reponses_historique'
        ) }} / nullif(fenetres.nb_reponses_historique, 0) as variance_nps_historique,
        case
            when fenetres.nb_reponses_reste_reseau >= {{ reponses_min }} then {{ nps_depuis_comptes(
            'nb_promoteurs_reste_reseau', 'nb_detracteurs_reste_reseau', 'nb_reponses_reste_reseau'
        ) }}
        end as nps_reste_reseau,
        {{ variance_nps_depuis_comptes(
            'nb_promoteurs_reste_reseau', 'nb_detracteurs_reste_reseau', 'nb_reponses_reste_reseau'
        ) }} / nullif(fenetres.nb_reponses_reste_reseau, 0) as variance_nps_reste_reseau
    from int_alertes_fenetres as fenetres
    where fenetres.est_jugeable
),

ecarts as (
    select
        *,
        {{ z_ecart('nps - nps_historique', 'variance_nps', 'variance_nps_historique') }}
            as z_historique,
        {{ z_ecart('nps - nps_reste_reseau', 'variance_nps', 'variance_nps_reste_reseau') }}
            as z_reste_reseau
    from mesures
),

-- The comparison that fires, the further below its limit when both do.
declenchees as (
    select
        *,
        case
            when
                z_historique < -{{ z }}
                and (z_reste_reseau is null or z_reste_reseau >= z_historique)
                then 'historique'
            when z_reste_reseau < -{{ z }} then 'reste_reseau'
        end as comparaison
    from ecarts
),

magasins_non_jugeables_reseau as (
    select coalesce(sum(nb_magasins), 0) as nb_magasins
    from magasins_non_jugeables
),

alertes as (
    select
        declenchees.*,
        case
            when declenchees.comparaison = 'historique' then declenchees.nps_historique
            else declenchees.nps_reste_reseau
        end as reference,
        case
            when declenchees.comparaison = 'historique'
                then declenchees.nps_historique - {{ z }} * sqrt(
                        declenchees.variance_nps + declenchees.variance_nps_historique
                    )
            else declenchees.nps_reste_reseau - {{ z }} * sqrt(
                    declenchees.variance_nps + declenchees.variance_nps_reste_reseau
                )
        end as limite,
        coalesce(
            case
                when declenchees.niveau_portee = 'departement' then magasins_departement.nb_magasins
                when declenchees.niveau_portee = 'reseau' then magasins_reseau.nb_magasins
            end,
            0
        ) as nb_magasins_non_jugeables
    from declenchees
    left join magasins_non_jugeables as magasins_departement
        on declenchees.code_departement = magasins_departement.code_departement
    cross join magasins_non_jugeables_reseau as magasins_reseau
    where declenchees.comparaison is not null
),

final as (
    select
        cast('nps_baisse' as {{ dbt.type_string() }}) as type_alerte,
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        mois_debut_fenetre as periode_debut,
        {{ fin_mois('mois_fin_fenetre') }} as periode_fin,
        nps as valeur,
        reference,
        limite,
        nb_reponses,
        cast('alerte' as {{ dbt.type_string() }}) as gravite,
        'NPS en baisse pour ' || libelle_portee || ' : '
        || {{ texte_nombre('nps') }} || ' sur '
        || cast(nb_reponses as {{ dbt.type_string() }}) || ' réponses du '
        || cast(mois_debut_fenetre as {{ dbt.type_string() }}) || ' au '
        || cast({{ fin_mois('mois_fin_fenetre') }} as {{ dbt.type_string() }})
        || case
            when comparaison = 'historique' then ', sous son historique ('
            else ', sous le reste du réseau ('
        end
        || {{ texte_nombre('reference') }} || ' ; limite de contrôle '
        || {{ texte_nombre('limite') }} || ')'
        || case
            when nb_magasins_non_jugeables > 0
                then ' ; ' || cast(nb_magasins_non_jugeables as {{ dbt.type_string() }})
                    || ' magasin(s) ont trop peu de réponses pour être jugés seuls et le sont ici'
            else ''
        end
        || '.' as message
    from alertes
)

select * from final
