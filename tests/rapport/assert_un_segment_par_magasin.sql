-- Every store is in exactly one segment: each store of dim_magasin has one row in the latest
-- segmentation, and every month of the history segments every store once. Returns one row per
-- store missing or repeated (latest segmentation) and per month whose count differs.
with

dim_magasin as (
    select ref_magasin
    from {{ ref('dim_magasin') }}
),

segmentation_magasins as (
    select ref_magasin
    from {{ ref('segmentation_magasins') }}
),

int_segments_magasin_mensuels as (
    select
        ref_magasin,
        mois_fin_fenetre
    from {{ ref('int_segments_magasin_mensuels') }}
),

nb_magasins as (
    select count(*) as nb_magasins
    from dim_magasin
),

dernier_segment as (
    select
        dim_magasin.ref_magasin,
        count(segmentation_magasins.ref_magasin) as nb_segments
    from dim_magasin
    left join segmentation_magasins
        on dim_magasin.ref_magasin = segmentation_magasins.ref_magasin
    group by dim_magasin.ref_magasin
),

par_mois as (
    select
        mois_fin_fenetre,
        count(*) as nb_lignes,
        count(distinct ref_magasin) as nb_magasins_segmentes
    from int_segments_magasin_mensuels
    group by mois_fin_fenetre
),

ecarts as (
    select
        'magasin ' || cast(ref_magasin as {{ dbt.type_string() }}) as cas,
        nb_segments as nombre
    from dernier_segment
    where nb_segments <> 1
    union all
    select
        'mois ' || cast(par_mois.mois_fin_fenetre as {{ dbt.type_string() }}) as cas,
        par_mois.nb_lignes as nombre
    from par_mois
    cross join nb_magasins
    where
        par_mois.nb_lignes <> nb_magasins.nb_magasins
        or par_mois.nb_magasins_segmentes <> nb_magasins.nb_magasins
)

select * from ecarts
