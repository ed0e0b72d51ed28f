with

fct_retour_client as (
    select
        note,
        date_achat
    from {{ ref('fct_retour_client') }}
),

mois_annee as (
    select
        numero_mois,
        nom_mois
    from {{ ref('mois_annee') }}
),

retours_mois as (
    select
        note,
        {{ debut_mois('date_achat') }} as mois
    from fct_retour_client
),

par_mois as (
    select
        mois,
        {{ colonnes_nps('note') | indent(8) }}
    from retours_mois
    group by mois
),

final as (
    select
        par_mois.mois,
        cast(extract(year from par_mois.mois) as integer) as annee,
        cast(extract(month from par_mois.mois) as integer) as numero_mois,
        mois_annee.nom_mois,
        par_mois.nb_reponses,
        par_mois.nb_promoteurs,
        par_mois.nb_passifs,
        par_mois.nb_detracteurs,
        par_mois.pct_promoteurs,
        par_mois.pct_passifs,
        par_mois.pct_detracteurs,
        par_mois.nps,
        case
            when lag(par_mois.mois) over (order by par_mois.mois)
                = cast({{ dbt.dateadd('month', -1, 'par_mois.mois') }} as date)
                then par_mois.nps - lag(par_mois.nps) over (order by par_mois.mois)
        end as variation_nps,
        par_mois.nps = max(par_mois.nps) over () as est_meilleur_mois,
        par_mois.nps = min(par_mois.nps) over () as est_pire_mois
    from par_mois
    inner join mois_annee
        on extract(month from par_mois.mois) = mois_annee.numero_mois
)

select * from final
