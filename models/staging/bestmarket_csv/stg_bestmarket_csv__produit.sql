{{ config(**lecture_lignes_csv('produit')) }}

-- depends_on: {{ source('bestmarket_csv', 'produit') }}

with

lignes as (
    {{ lignes_csv_brutes('produit', 3) | indent(4) }}
),

typees as (
    {{ typer_produit('lignes', 'contenu_brut') | indent(4) }}
),

effacees as (
    {{ ecarter_lignes_effacees(
        'typees', ['cle_produit', 'typologie_produit', 'titre_produit']
    ) | indent(4) }}
)

select * from effacees
