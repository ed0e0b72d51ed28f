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

final as (
    select
        dim_magasin.ref_magasin,
        dim_magasin.libelle_commune,
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        dim_magasin.latitude,
        dim_magasin.longitude,
        {{ moyenne('fct_retour_client.note') }} as note_moyenne,
        {{ colonnes_nps('fct_retour_client.note') | indent(8) }}
    from dim_magasin
    left join fct_retour_client
        on dim_magasin.ref_magasin = fct_retour_client.ref_magasin
    group by
        dim_magasin.ref_magasin,
        dim_magasin.libelle_commune,
        dim_magasin.code_departement,
        dim_magasin.nom_departement,
        dim_magasin.latitude,
        dim_magasin.longitude
)

select * from final
