with

fct_retour_client as (
    select
        note,
        ref_magasin
    from {{ ref('fct_retour_client') }}
),

dim_magasin as (
    select
        ref_magasin,
        libelle_commune,
        code_departement,
        nom_departement,
        latitude,
        longitude
    from {{ ref('dim_magasin') }}
),

-- Aggregated per store key first (every store kept, with 0 responses when it has none), the
-- store's labels added to the 84 rows after: grouping the fact's rows by the six label columns
-- took twice as long at 10 million feedbacks.
par_magasin as (
    select
        dim_magasin.ref_magasin,
        {{ moyenne('fct_retour_client.note') }} as note_moyenne,
        {{ colonnes_nps('fct_retour_client.note') | indent(8) }}
    from dim_magasin
    left join fct_retour_client
        on dim_magasin.ref_magasin = fct_retour_client.ref_magasin
    group by dim_magasin.ref_magasin
),

final as (
    select
        dim_magasin.ref_magasin,
        dim_magasin.libelle_commune,
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        dim_magasin.latitude,
        dim_magasin.longitude,
        par_magasin.note_moyenne,
        par_magasin.nb_reponses,
        par_magasin.nb_promoteurs,
        par_magasin.nb_passifs,
        par_magasin.nb_detracteurs,
        par_magasin.pct_promoteurs,
        par_magasin.pct_passifs,
        par_magasin.pct_detracteurs,
        par_magasin.nps,
        par_magasin.marge_erreur_95,
        par_magasin.est_echantillon_faible
    from dim_magasin
    inner join par_magasin
        on dim_magasin.ref_magasin = par_magasin.ref_magasin
)

select * from final
