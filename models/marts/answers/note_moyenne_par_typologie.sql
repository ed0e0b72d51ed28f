with

fct_retour_client as (
    select
        note,
        cle_produit
    from {{ ref('fct_retour_client') }}
),

dim_produit as (
    select
        cle_produit,
        typologie_produit
    from {{ ref('dim_produit') }}
),

par_typologie as (
    select
        dim_produit.typologie_produit,
        count(fct_retour_client.note) as nb_retours,
        {{ moyenne('fct_retour_client.note') }} as note_moyenne
    from dim_produit
    left join fct_retour_client
        on dim_produit.cle_produit = fct_retour_client.cle_produit
    group by dim_produit.typologie_produit
),

final as (
    select
        typologie_produit,
        nb_retours,
        note_moyenne,
        cast(rank() over (order by note_moyenne desc nulls last) as bigint) as rang
    from par_typologie
)

select * from final
