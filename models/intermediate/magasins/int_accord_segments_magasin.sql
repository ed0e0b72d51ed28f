{#-
    Agreement between the segmentation of month m and that of a later month m + k, for every
    pair of months whose windows hold at least `magasins_couverture_minimum_mois` months of
    data: the share of stores that keep their segment, and the adjusted Rand index (1 for the
    same partition, about 0 for a partition no closer than chance) from the contingency table
    of the two segmentations.
-#}
with

int_segments_magasin_mensuels as (
    select
        ref_magasin,
        mois_fin_fenetre,
        nb_mois_couverts,
        code_segment
    from {{ ref('int_segments_magasin_mensuels') }}
),

evalues as (
    select
        ref_magasin,
        mois_fin_fenetre,
        code_segment
    from int_segments_magasin_mensuels
    where nb_mois_couverts >= {{ var('magasins_couverture_minimum_mois') }}
),

paires_magasin as (
    select
        reference.mois_fin_fenetre as mois_reference,
        compare.mois_fin_fenetre as mois_compare,
        reference.ref_magasin,
        reference.code_segment as segment_reference,
        compare.code_segment as segment_compare
    from evalues as reference
    inner join evalues as compare
        on
            reference.ref_magasin = compare.ref_magasin
            and reference.mois_fin_fenetre < compare.mois_fin_fenetre
),

-- Contingency table: stores per (segment at m, segment at m + k); then its margins.
cellules as (
    select
        mois_reference,
        mois_compare,
        segment_reference,
        segment_compare,
        count(*) as nb_magasins
    from paires_magasin
    group by mois_reference, mois_compare, segment_reference, segment_compare
),

paires_cellules as (
    select
        mois_reference,
        mois_compare,
        sum(nb_magasins) as nb_magasins,
        sum(case when segment_reference = segment_compare then nb_magasins else 0 end)
            as nb_magasins_meme_segment,
        -- Stores judged at both dates (the small-sample segment left out of both sides).
        sum(case
            when
                segment_reference <> 'trop_peu_de_retours'
                and segment_compare <> 'trop_peu_de_retours'
                then nb_magasins
            else 0
        end) as nb_magasins_juges,
        sum(case
            when
                segment_reference <> 'trop_peu_de_retours'
                and segment_reference = segment_compare
                then nb_magasins
            else 0
        end) as nb_magasins_juges_meme_segment,
        sum(nb_magasins * (nb_magasins - 1) / cast(2 as double)) as paires_cellules
    from cellules
    group by mois_reference, mois_compare
),

lignes as (
    select
        mois_reference,
        mois_compare,
        sum(nb_magasins) as nb_magasins
    from cellules
    group by mois_reference, mois_compare, segment_reference
),

colonnes as (
    select
        mois_reference,
        mois_compare,
        sum(nb_magasins) as nb_magasins
    from cellules
    group by mois_reference, mois_compare, segment_compare
),

paires_lignes as (
    select
        mois_reference,
        mois_compare,
        sum(nb_magasins * (nb_magasins - 1) / cast(2 as double)) as paires_lignes
    from lignes
    group by mois_reference, mois_compare
),

paires_colonnes as (
    select
        mois_reference,
        mois_compare,
        sum(nb_magasins * (nb_magasins - 1) / cast(2 as double)) as paires_colonnes
    from colonnes
    group by mois_reference, mois_compare
),

indices as (
    select
        paires_cellules.mois_reference,
        paires_cellules.mois_compare,
        paires_cellules.nb_magasins,
        paires_cellules.nb_magasins_meme_segment,
        paires_cellules.nb_magasins_juges,
        paires_cellules.nb_magasins_juges_meme_segment,
        paires_cellules.paires_cellules,
        paires_lignes.paires_lignes * paires_colonnes.paires_colonnes
        / nullif(
            paires_cellules.nb_magasins * (paires_cellules.nb_magasins - 1) / cast(2 as double),
            0
        ) as paires_attendues,
        (paires_lignes.paires_lignes + paires_colonnes.paires_colonnes) / cast(2 as double)
            as paires_maximum
    from paires_cellules
    inner join paires_lignes
        on
            paires_cellules.mois_reference = paires_lignes.mois_reference
            and paires_cellules.mois_compare = paires_lignes.mois_compare
    inner join paires_colonnes
        on
            paires_cellules.mois_reference = paires_colonnes.mois_reference
            and paires_cellules.mois_compare = paires_colonnes.mois_compare
),

final as (
    select
        mois_reference,
        mois_compare,
        -- `trim`: dbt-duckdb's datediff renders between blank lines.
        cast(
            {{ dbt.datediff('mois_reference', 'mois_compare', 'month') | trim }} as integer
        ) as horizon_mois,
        cast(nb_magasins as bigint) as nb_magasins,
        cast(nb_magasins_meme_segment as bigint) as nb_magasins_meme_segment,
        {{ pourcentage('nb_magasins_meme_segment', 'nb_magasins') }} as pct_magasins_meme_segment,
        cast(nb_magasins_juges as bigint) as nb_magasins_juges,
        cast(nb_magasins_juges_meme_segment as bigint) as nb_magasins_juges_meme_segment,
        {{ pourcentage('nb_magasins_juges_meme_segment', 'nb_magasins_juges') }}
            as pct_magasins_juges_meme_segment,
        -- Both partitions trivial (one segment each, or one store per segment): the same
        -- partition, index 1 by convention (as scikit-learn).
        case
            when paires_maximum = paires_attendues then cast(1 as double)
            else (paires_cellules - paires_attendues) / (paires_maximum - paires_attendues)
        end as indice_rand_ajuste
    from indices
)

select * from final
