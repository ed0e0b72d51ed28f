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
        nom_departement
    from {{ ref('dim_magasin') }}
),

moyenne_generale as (
    select {{ moyenne('note') }} as note_moyenne_generale
    from fct_retour_client
),

par_magasin as (
    select
        ref_magasin,
        count(*) as nb_retours,
        {{ moyenne('note') }} as note_moyenne
    from fct_retour_client
    group by ref_magasin
),

final as (
    select
        par_magasin.ref_magasin,
        dim_magasin.libelle_commune,
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        par_magasin.nb_retours,
        par_magasin.note_moyenne,
        moyenne_generale.note_moyenne_generale,
        par_magasin.note_moyenne - moyenne_generale.note_moyenne_generale as ecart_a_la_moyenne
    from par_magasin
    inner join dim_magasin
        on par_magasin.ref_magasin = dim_magasin.ref_magasin
    cross join moyenne_generale
    where par_magasin.note_moyenne < moyenne_generale.note_moyenne_generale
)

select * from final
