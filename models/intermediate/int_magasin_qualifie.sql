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
        lignes.priorite_export,
        lignes.fichier_source,
        lignes.numero_ligne,
        lignes.contenu_brut,
        lignes.ref_magasin,
        lignes.code_departement,
        lignes.code_commune,
        lignes.libelle_commune,
        lignes.population,
        lignes.latitude,
        lignes.longitude,
        lignes.est_copie_retenue,
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
        priorite_export,
        fichier_source,
        numero_ligne,
        contenu_brut,
        ref_magasin,
        code_departement,
        code_commune,
        libelle_commune,
        population,
        latitude,
        longitude,
        motif_rejet,
        {{ statut_ligne('motif_rejet', 'est_copie_retenue') }} as statut
    from controlees
)

select * from qualifiees
