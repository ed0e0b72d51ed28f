with

fct_retour_client as (
    select
        note,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

categories as (
    -- Every reference label, even without feedback, and any new label the exports bring
    -- (kept and answered under its own name; the build warns about it).
    select libelle as libelle_categorie from {{ ref('libelles_reference') }}
    where domaine = 'categorie'
    union
    select libelle_categorie from fct_retour_client
),

total as (
    select count(*) as nb_retours_total from fct_retour_client
),

par_categorie as (
    select
        categories.libelle_categorie,
        count(fct_retour_client.note) as nb_retours,
        {{ moyenne('fct_retour_client.note') }} as note_moyenne,
        {{ colonnes_nps('fct_retour_client.note') | indent(8) }}
    from categories
    left join fct_retour_client
        on categories.libelle_categorie = fct_retour_client.libelle_categorie
    group by categories.libelle_categorie
),

final as (
    select
        par_categorie.libelle_categorie,
        par_categorie.nb_retours,
        {{ pourcentage('par_categorie.nb_retours', 'total.nb_retours_total') }} as pct_retours,
        par_categorie.note_moyenne,
        par_categorie.nb_reponses,
        par_categorie.nb_promoteurs,
        par_categorie.nb_passifs,
        par_categorie.nb_detracteurs,
        par_categorie.pct_promoteurs,
        par_categorie.pct_passifs,
        par_categorie.pct_detracteurs,
        par_categorie.nps,
        par_categorie.marge_erreur_95,
        par_categorie.est_echantillon_faible,
        cast(rank() over (order by par_categorie.nb_retours desc) as bigint) as rang_nb_retours
    from par_categorie
    cross join total
)

select * from final
