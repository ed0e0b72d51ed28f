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

avec_precedent as (
    select
        *,
        lag(mois) over (order by mois) = cast({{ dbt.dateadd('month', -1, 'mois') }} as date)
            as suit_le_mois_precedent,
        lag(nps) over (order by mois) as nps_precedent,
        lag(marge_erreur_95) over (order by mois) as marge_precedente
    from par_mois
),

variations as (
    select
        *,
        case when suit_le_mois_precedent then nps - nps_precedent end as variation_nps,
        case
            when suit_le_mois_precedent
                then sqrt(power(marge_erreur_95, 2) + power(marge_precedente, 2))
        end as marge_variation_95
    from avec_precedent
),

final as (
    select
        variations.mois,
        cast(extract(year from variations.mois) as integer) as annee,
        cast(extract(month from variations.mois) as integer) as numero_mois,
        mois_annee.nom_mois,
        variations.nb_reponses,
        variations.nb_promoteurs,
        variations.nb_passifs,
        variations.nb_detracteurs,
        variations.pct_promoteurs,
        variations.pct_passifs,
        variations.pct_detracteurs,
        variations.nps,
        variations.marge_erreur_95,
        variations.est_echantillon_faible,
        variations.variation_nps,
        variations.marge_variation_95,
        coalesce(abs(variations.variation_nps) > variations.marge_variation_95, false)
            as est_variation_significative,
        variations.nps = max(variations.nps) over () as est_meilleur_mois,
        variations.nps = min(variations.nps) over () as est_pire_mois
    from variations
    inner join mois_annee
        on extract(month from variations.mois) = mois_annee.numero_mois
)

select * from final
