with

stg_bestmarket_csv__objectifs_nps as (
    select
        mois,
        objectif_nps
    from {{ ref('stg_bestmarket_csv__objectifs_nps') }}
),

objectifs_nps as (
    select
        mois,
        objectif_nps
    from {{ ref('objectifs_nps') }}
),

-- The business's file when the raw folder has one, else the project's default targets.
final as (
    select
        mois,
        objectif_nps,
        'objectifs_nps.csv' as origine_objectif
    from stg_bestmarket_csv__objectifs_nps
    union all
    select
        mois,
        objectif_nps,
        'seed objectifs_nps' as origine_objectif
    from objectifs_nps
    where (select count(*) from stg_bestmarket_csv__objectifs_nps) = 0
)

select * from final
