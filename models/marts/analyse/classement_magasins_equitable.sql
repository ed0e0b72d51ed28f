{#-
    A fair ranking of the stores over the whole history, beside the raw one of q10 (average
    note) and q13 (feedbacks): each store's NPS and average note shrunk toward the network's by
    empirical Bayes, so that a store on few responses is not ranked on its noise.
    NPS: Dirichlet–multinomial on the three groups, prior mean the network's shares, prior
    strength a = V / τ² − 1 (V the network's variance of one response, τ² the variance of the
    stores' raw NPS minus their mean sampling variance V / n, method of moments); the shrunk
    NPS is w × raw + (1 − w) × network with w = n / (n + a). Average note: the same form,
    normal–normal, w = n / (n + s² / τ²) (s² the pooled within-store variance of the notes).
    When the stores differ no more than their noise (τ² ≤ 0), w = 0: every store at the
    network's figure. Ranks keep ties (`rank()`); rank 1 is the best.
-#}
with

fct_retour_client as (
    select
        ref_magasin,
        note
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select
        ref_magasin,
        code_departement,
        libelle_commune
    from {{ ref('dim_magasin') }}
),

par_magasin as (
    select
        ref_magasin,
        count(note) as nb_reponses,
        sum(cast(note as double)) as somme_notes,
        sum(cast(note as double) * note) as somme_carres_notes,
        {{ nb_groupe_nps('note', 'promoteur') }} as nb_promoteurs,
        {{ nb_groupe_nps('note', 'détracteur') }} as nb_detracteurs
    from fct_retour_client
    group by ref_magasin
),

bruts as (
    select
        *,
        {{ nps_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }} as nps,
        somme_notes / nb_reponses as note_moyenne
    from par_magasin
),

reseau as (
    select
        count(*) as nb_magasins,
        sum(nb_reponses) as nb_reponses,
        {{ nps_depuis_comptes('sum(nb_promoteurs)', 'sum(nb_detracteurs)', 'sum(nb_reponses)') }}
            as nps,
        {{ variance_nps_depuis_comptes(
            'sum(nb_promoteurs)', 'sum(nb_detracteurs)', 'sum(nb_reponses)'
        ) }} as variance_unitaire_nps,
        sum(somme_notes) / sum(nb_reponses) as note_moyenne,
        -- Pooled within-store variance of the notes.
        (sum(somme_carres_notes) - sum(somme_notes * somme_notes / nb_reponses))
        / nullif(sum(nb_reponses) - count(*), 0) as variance_intra_note
    from bruts
),

-- Between-store variance of the true figures: the raw figures' variance minus their mean
-- sampling variance (method of moments); then the prior strengths (null when the stores differ
-- no more than their noise).
dispersion as (
    select
        var_pop(bruts.nps) - avg(reseau.variance_unitaire_nps / bruts.nb_reponses)
            as variance_entre_nps,
        var_pop(bruts.note_moyenne) - avg(reseau.variance_intra_note / bruts.nb_reponses)
            as variance_entre_note
    from bruts
    cross join reseau
),

forces as (
    select
        case
            when dispersion.variance_entre_nps > 0
                then greatest(reseau.variance_unitaire_nps / dispersion.variance_entre_nps - 1, 0)
        end as force_nps,
        case
            when dispersion.variance_entre_note > 0
                then reseau.variance_intra_note / dispersion.variance_entre_note
        end as force_note
    from dispersion
    cross join reseau
),

poids as (
    select
        bruts.*,
        reseau.nps as nps_reseau,
        reseau.note_moyenne as note_moyenne_reseau,
        coalesce(bruts.nb_reponses / (bruts.nb_reponses + forces.force_nps), 0)
            as poids_retrait_nps,
        coalesce(bruts.nb_reponses / (bruts.nb_reponses + forces.force_note), 0)
            as poids_retrait_note
    from bruts
    cross join reseau
    cross join forces
),

retraits as (
    select
        *,
        poids_retrait_nps * nps + (1 - poids_retrait_nps) * nps_reseau as nps_equitable,
        poids_retrait_note * note_moyenne + (1 - poids_retrait_note) * note_moyenne_reseau
            as note_moyenne_equitable
    from poids
),

final as (
    select
        retraits.ref_magasin,
        dim_magasin.code_departement,
        dim_magasin.libelle_commune,
        cast(retraits.nb_reponses as bigint) as nb_reponses,
        retraits.note_moyenne,
        retraits.nps,
        retraits.nps_reseau,
        retraits.note_moyenne_reseau,
        cast(retraits.poids_retrait_nps as double) as poids_retrait_nps,
        retraits.nps_equitable,
        cast(retraits.poids_retrait_note as double) as poids_retrait_note,
        retraits.note_moyenne_equitable,
        cast(rank() over (order by retraits.note_moyenne desc) as bigint) as rang_note_moyenne,
        cast(rank() over (order by retraits.note_moyenne_equitable desc) as bigint)
            as rang_note_moyenne_equitable,
        cast(rank() over (order by retraits.nb_reponses desc) as bigint) as rang_nb_reponses,
        cast(rank() over (order by retraits.nps desc) as bigint) as rang_nps,
        cast(rank() over (order by retraits.nps_equitable desc) as bigint) as rang_nps_equitable
    from retraits
    inner join dim_magasin
        on retraits.ref_magasin = dim_magasin.ref_magasin
)

select * from final
