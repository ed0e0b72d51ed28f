-- The interactive report's one table: counts by month x store x source x category, from which
-- the page's filters recompute every NPS (macros' formulas repeated in its JavaScript, checked
-- against the models by tests/python/test_rapport_interactif.py). No feedback key; a cell of a
-- single feedback shows its note with its month, store, source and category (SECURITY.md).
with

fct_retour_client as (
    select
        note,
        ref_magasin,
        date_achat,
        libelle_source,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select
        ref_magasin,
        code_departement
    from {{ ref('dim_magasin') }}
),

retours_mois as (
    select
        note,
        ref_magasin,
        libelle_source,
        libelle_categorie,
        {{ debut_mois('date_achat') }} as mois
    from fct_retour_client
),

par_groupe as (
    select
        mois,
        ref_magasin,
        libelle_source,
        libelle_categorie,
        count(*) as nb_retours,
        count(note) as nb_reponses,
        {{ nb_groupe_nps('note', 'promoteur') }} as nb_promoteurs,
        {{ nb_groupe_nps('note', 'passif') }} as nb_passifs,
        {{ nb_groupe_nps('note', 'détracteur') }} as nb_detracteurs,
        cast(sum(note) as bigint) as somme_notes
    from retours_mois
    group by mois, ref_magasin, libelle_source, libelle_categorie
),

final as (
    select
        par_groupe.mois,
        par_groupe.ref_magasin,
        dim_magasin.code_departement,
        par_groupe.libelle_source,
        par_groupe.libelle_categorie,
        par_groupe.nb_retours,
        par_groupe.nb_reponses,
        par_groupe.nb_promoteurs,
        par_groupe.nb_passifs,
        par_groupe.nb_detracteurs,
        par_groupe.somme_notes
    from par_groupe
    inner join dim_magasin
        on par_groupe.ref_magasin = dim_magasin.ref_magasin
)

select * from final
