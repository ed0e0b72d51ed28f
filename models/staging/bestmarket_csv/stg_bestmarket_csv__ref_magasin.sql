{{ config(**lecture_lignes_csv('ref_magasin')) }}

-- depends_on: {{ source('bestmarket_csv', 'ref_magasin') }}

with

lignes as (
    {{ lignes_csv_brutes('ref_magasin', 7) | indent(4) }}
),

typees as (
    {{ typer_ref_magasin('lignes', 'contenu_brut') | indent(4) }}
),

effacees as (
    {{ ecarter_lignes_effacees('typees', [
        'ref_magasin', 'code_departement', 'code_commune', 'libelle_commune',
        'population', 'latitude', 'longitude',
    ]) | indent(4) }}
)

select * from effacees
