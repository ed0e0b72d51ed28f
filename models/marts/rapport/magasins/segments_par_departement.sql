-- How many stores of each département fall in each segment over the latest window (every
-- département and segment listed, 0 when none): the report's segment map by département.
with

segmentation_magasins as (
    select
        ref_magasin,
        code_departement,
        code_segment
    from {{ ref('segmentation_magasins') }}
),

segments_magasin as (
    select
        ordre,
        code_segment,
        segment,
        est_a_surveiller
    from {{ ref('segments_magasin') }}
),

departements as (
    select
        code_departement,
        nom_departement
    from {{ ref('departements_idf') }}
),

effectifs as (
    select
        code_departement,
        code_segment,
        count(*) as nb_magasins
    from segmentation_magasins
    group by code_departement, code_segment
),

totaux as (
    select
        code_departement,
        count(*) as nb_magasins_departement
    from segmentation_magasins
    group by code_departement
),

final as (
    select
        departements.code_departement,
        departements.nom_departement,
        segments_magasin.ordre as ordre_segment,
        segments_magasin.code_segment,
        segments_magasin.segment,
        segments_magasin.est_a_surveiller,
        cast(coalesce(effectifs.nb_magasins, 0) as bigint) as nb_magasins,
        {{ pourcentage('coalesce(effectifs.nb_magasins, 0)', 'totaux.nb_magasins_departement') }}
            as pct_magasins_departement
    from departements
    cross join segments_magasin
    left join effectifs
        on
            departements.code_departement = effectifs.code_departement
            and segments_magasin.code_segment = effectifs.code_segment
    left join totaux
        on departements.code_departement = totaux.code_departement
)

select * from final
