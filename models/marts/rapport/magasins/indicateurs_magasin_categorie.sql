-- Each store's feedback per category over the latest window (every store and category listed,
-- 0 when none): share of its feedback, average note and detractors, and the categories ranked
-- by detractors (`rank()`, ties kept), to tell the team what its detractors write about.
with

fct_retour_client as (
    select
        ref_magasin,
        note,
        date_achat,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select ref_magasin
    from {{ ref('dim_magasin') }}
),

libelles_reference as (
    select libelle
    from {{ ref('libelles_reference') }}
    where domaine = 'categorie'
),

int_indicateurs_magasin_mensuels as (
    select
        mois_debut_fenetre,
        mois_fin_fenetre
    from {{ ref('int_indicateurs_magasin_mensuels') }}
),

-- The same window as the segmentation: the latest one (its bounds are first days of months).
fenetre as (
    select
        max(mois_debut_fenetre) as mois_debut_fenetre,
        max(mois_fin_fenetre) as mois_fin_fenetre,
        cast({{ dbt.dateadd('month', 1, 'max(mois_fin_fenetre)') }} as date) as mois_apres_fenetre
    from int_indicateurs_magasin_mensuels
),

retours_fenetre as (
    select
        fct_retour_client.ref_magasin,
        fct_retour_client.libelle_categorie,
        fct_retour_client.note
    from fct_retour_client
    -- The purchase date compared as it is (not truncated to its month, row by row): a month
    -- within the window is a date from its first day to the day before the month after it.
    inner join fenetre
        on
            fct_retour_client.date_achat >= fenetre.mois_debut_fenetre
            and fct_retour_client.date_achat < fenetre.mois_apres_fenetre
),

-- Reference categories, and any new label the fact kept (a build warns about it).
categories as (
    select libelle as libelle_categorie
    from libelles_reference
    union
    select distinct libelle_categorie
    from retours_fenetre
),

par_categorie as (
    select
        ref_magasin,
        libelle_categorie,
        count(*) as nb_retours,
        {{ moyenne('note') }} as note_moyenne,
        {{ nb_groupe_nps('note', 'détracteur') }} as nb_detracteurs
    from retours_fenetre
    group by ref_magasin, libelle_categorie
),

grille as (
    select
        dim_magasin.ref_magasin,
        categories.libelle_categorie,
        cast(coalesce(par_categorie.nb_retours, 0) as bigint) as nb_retours,
        par_categorie.note_moyenne,
        cast(coalesce(par_categorie.nb_detracteurs, 0) as bigint) as nb_detracteurs
    from dim_magasin
    cross join categories
    left join par_categorie
        on
            dim_magasin.ref_magasin = par_categorie.ref_magasin
            and categories.libelle_categorie = par_categorie.libelle_categorie
),

totaux_magasin as (
    select
        ref_magasin,
        sum(nb_retours) as nb_retours_magasin,
        sum(nb_detracteurs) as nb_detracteurs_magasin
    from grille
    group by ref_magasin
),

final as (
    select
        grille.ref_magasin,
        grille.libelle_categorie,
        fenetre.mois_debut_fenetre,
        fenetre.mois_fin_fenetre,
        grille.nb_retours,
        {{ pourcentage('grille.nb_retours', 'totaux_magasin.nb_retours_magasin') }}
            as pct_retours_magasin,
        grille.note_moyenne,
        grille.nb_detracteurs,
        {{ pourcentage('grille.nb_detracteurs', 'totaux_magasin.nb_detracteurs_magasin') }}
            as pct_detracteurs_magasin,
        case
            when grille.nb_detracteurs > 0
                then cast(rank() over (
                        partition by grille.ref_magasin
                        order by grille.nb_detracteurs desc
                    ) as bigint)
        end as rang_detracteurs
    from grille
    inner join totaux_magasin
        on grille.ref_magasin = totaux_magasin.ref_magasin
    cross join fenetre
)

select * from final
