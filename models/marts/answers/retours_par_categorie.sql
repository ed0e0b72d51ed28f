with

fct_retour_client as (
    select
        note,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

retours_et_categories as (
    -- Every reference label, even without feedback (one row without a note, which counts
    -- for nothing below), and any new label the exports bring (kept and answered under its
    -- own name; the build warns about it). A union rather than a join from the labels: the
    -- fact is scanned once and aggregated directly, about twice as fast at 10M rows.
    select
        libelle_categorie,
        note
    from fct_retour_client
    union all
    select
        libelle as libelle_categorie,
        cast(null as {{ dbt.type_int() }}) as note
    from {{ ref('libelles_reference') }}
    where domaine = 'categorie'
),

total as (
    select count(*) as nb_retours_total from fct_retour_client
),

par_categorie as (
    select
        retours_et_categories.libelle_categorie,
        count(retours_et_categories.note) as nb_retours,
        {{ moyenne('retours_et_categories.note') }} as note_moyenne,
        {{ colonnes_nps('retours_et_categories.note') | indent(8) }}
    from retours_et_categories
    group by retours_et_categories.libelle_categorie
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
