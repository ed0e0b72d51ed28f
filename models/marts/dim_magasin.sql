with

magasins_retenus as (
    select
        ref_magasin,
        code_departement,
        code_commune,
        libelle_commune,
        population,
        latitude,
        longitude
    from {{ ref('int_magasin_qualifie') }}
    where statut = 'retenue'
),

departements_idf as (
    select
        code_departement,
        nom_departement
    from {{ ref('departements_idf') }}
),

final as (
    select
        cast(magasins_retenus.ref_magasin as bigint) as ref_magasin,
        cast(magasins_retenus.code_departement as {{ dbt.type_string() }}) as code_departement,
        cast(departements_idf.nom_departement as {{ dbt.type_string() }}) as nom_departement,
        cast(magasins_retenus.code_commune as {{ dbt.type_string() }}) as code_commune,
        cast(magasins_retenus.libelle_commune as {{ dbt.type_string() }}) as libelle_commune,
        cast(magasins_retenus.population as bigint) as population,
        cast(magasins_retenus.latitude as double) as latitude,
        cast(magasins_retenus.longitude as double) as longitude
    from magasins_retenus
    inner join departements_idf
        on magasins_retenus.code_departement = departements_idf.code_departement
)

select * from final
