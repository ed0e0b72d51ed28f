{#-
    The sources against each other over the whole history: every pair of sources (each pair
    once, `source_a` before `source_b` in alphabetical order), their NPS, the gap and its
    z-value as a difference of two independent NPS, z = (NPS_a − NPS_b) / √(V_a / n_a +
    V_b / n_b). A handful of pairs: each is read at 95 %.
-#}
with

fct_retour_client as (
    select
        libelle_source,
        note
    from {{ ref('fct_retour_client') }}
),

par_source as (
    select
        libelle_source,
        count(note) as nb_reponses,
        {{ nb_groupe_nps('note', 'promoteur') }} as nb_promoteurs,
        {{ nb_groupe_nps('note', 'détracteur') }} as nb_detracteurs
    from fct_retour_client
    group by libelle_source
),

mesures as (
    select
        libelle_source,
        nb_reponses,
        {{ nps_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }} as nps,
        {{ variance_nps_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }}
        / nb_reponses as variance_nps
    from par_source
),

paires as (
    select
        source_a.libelle_source as source_a,
        source_b.libelle_source as source_b,
        source_a.nb_reponses as nb_reponses_a,
        source_b.nb_reponses as nb_reponses_b,
        source_a.nps as nps_a,
        source_b.nps as nps_b,
        source_a.nps - source_b.nps as ecart_nps,
        {{ z_normal('95') }} * sqrt(source_a.variance_nps + source_b.variance_nps)
            as marge_ecart_nps_95,
        {{ z_ecart(
            'source_a.nps - source_b.nps', 'source_a.variance_nps', 'source_b.variance_nps'
        ) }} as z_ecart_nps
    from mesures as source_a
    inner join mesures as source_b
        on source_a.libelle_source < source_b.libelle_source
),

final as (
    select
        source_a,
        source_b,
        cast(nb_reponses_a as bigint) as nb_reponses_a,
        cast(nb_reponses_b as bigint) as nb_reponses_b,
        nps_a,
        nps_b,
        ecart_nps,
        marge_ecart_nps_95,
        z_ecart_nps,
        coalesce(abs(z_ecart_nps) > {{ z_normal('95') }}, false) as est_ecart_significatif
    from paires
)

select * from final
