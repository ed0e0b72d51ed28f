with

fct_retour_client as (
    select
        note,
        cle_produit,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

dim_produit as (
    select
        cle_produit,
        typologie_produit
    from {{ ref('dim_produit') }}
),

retours_sav as (
    select
        note,
        cle_produit
    from fct_retour_client
    where libelle_categorie = '{{ var("q07_categorie") }}'
),

par_typologie as (
    select
        dim_produit.typologie_produit,
        count(retours_sav.note) as nb_retours_sav,
        {{ moyenne('retours_sav.note') }} as note_moyenne_sav
    from dim_produit
    left join retours_sav
        on dim_produit.cle_produit = retours_sav.cle_produit
    group by dim_produit.typologie_produit
),

classees as (
    select
        typologie_produit,
        nb_retours_sav,
        note_moyenne_sav,
        cast(rank() over (order by note_moyenne_sav desc nulls last) as bigint) as rang
    from par_typologie
),

final as (
    select
        typologie_produit,
        nb_retours_sav,
        note_moyenne_sav,
        rang,
        rang = 1 and note_moyenne_sav is not null as est_meilleure
    from classees
)

select * from final
