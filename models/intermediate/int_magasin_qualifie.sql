with

lignes as (
    {{ qualifier_lignes(
        [ref('stg_bestmarket_csv__ref_magasin'), ref('stg_bestmarket_crm__ref_magasin')],
        'ref_magasin',
        ['code_departement', 'code_commune', 'libelle_commune', 'population',
         'latitude', 'longitude']
    ) | indent(4) }}
),

departements_idf as (
    select code_departement from {{ ref('departements_idf') }}
),

controlees as (
    select
        lignes.*,
        coalesce(
            lignes.motif_ligne,
            case
                when departements_idf.code_departement is null
                    then 'département inconnu: ' || lignes.code_departement
            end
        ) as motif_rejet
    from lignes
    left join departements_idf
        on lignes.code_departement = departements_idf.code_departement
),

qualifiees as (
    select
        *,
        {{ statut_ligne('motif_rejet', 'rang_copie') }} as statut
    from controlees
)

select * from qualifiees
