{%- set avant = (var('q09_annee_avant'), var('q09_trimestre_avant')) -%}
{%- set apres = (var('q09_annee_apres'), var('q09_trimestre_apres')) -%}

with

fct_retour_client as (
    select
        note,
        cle_produit,
        date_achat
    from {{ ref('fct_retour_client') }}
),

dim_produit as (
    select
        cle_produit,
        typologie_produit
    from {{ ref('dim_produit') }}
),

retours_dates as (
    select
        dim_produit.typologie_produit,
        fct_retour_client.note,
        extract(year from fct_retour_client.date_achat) as annee,
        extract(quarter from fct_retour_client.date_achat) as trimestre
    from fct_retour_client
    inner join dim_produit
        on fct_retour_client.cle_produit = dim_produit.cle_produit
),

par_typologie as (
    select
        typologie_produit,
        -- DuckDB sums integers as hugeint: cast to bigint, the type of every other count.
        cast(
            sum(case when annee = {{ avant[0] }} and trimestre = {{ avant[1] }} then 1 else 0 end)
            as bigint
        ) as nb_retours_avant,
        {{ moyenne(
            'case when annee = ' ~ avant[0] ~ ' and trimestre = ' ~ avant[1] ~ ' then note end'
        ) }} as note_moyenne_avant,
        cast(
            sum(case when annee = {{ apres[0] }} and trimestre = {{ apres[1] }} then 1 else 0 end)
            as bigint
        ) as nb_retours_apres,
        {{ moyenne(
            'case when annee = ' ~ apres[0] ~ ' and trimestre = ' ~ apres[1] ~ ' then note end'
        ) }} as note_moyenne_apres
    from retours_dates
    group by typologie_produit
),

final as (
    select
        typologie_produit,
        nb_retours_avant,
        note_moyenne_avant,
        nb_retours_apres,
        note_moyenne_apres,
        note_moyenne_apres - note_moyenne_avant as evolution_note_moyenne
    from par_typologie
    where note_moyenne_apres > note_moyenne_avant
)

select * from final
