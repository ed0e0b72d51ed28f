with

fct_retour_client as (
    select
        date_achat,
        libelle_categorie
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
        {{ debut_mois('date_achat') }} as mois,
        case when libelle_categorie = '{{ var("q16_categorie") }}' then 1 else 0 end
            as est_retour_sav
    from fct_retour_client
),

par_mois as (
    select
        mois,
        -- DuckDB sums integers as hugeint: cast to bigint, the type of every other count.
        cast(sum(est_retour_sav) as bigint) as nb_retours_sav
    from retours_mois
    group by mois
),

final as (
    select
        par_mois.mois,
        cast(extract(year from par_mois.mois) as integer) as annee,
        cast(extract(month from par_mois.mois) as integer) as numero_mois,
        mois_annee.nom_mois,
        par_mois.nb_retours_sav,
        cast(rank() over (order by par_mois.nb_retours_sav desc) as bigint) as rang,
        par_mois.nb_retours_sav = max(par_mois.nb_retours_sav) over () as est_mois_max
    from par_mois
    inner join mois_annee
        on extract(month from par_mois.mois) = mois_annee.numero_mois
)

select * from final
