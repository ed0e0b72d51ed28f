{%- set colonnes = ['cle_produit', 'typologie_produit', 'titre_produit'] -%}

with

produit as (
    select
        'Satisfaction.db:produit' as fichier_source,
        rowid as numero_ligne,
        3 as nb_champs,
        {{ champs_crm(colonnes) | indent(8) }}
    from {{ source('bestmarket_crm', 'produit') }}
),

typees as (
    {{ typer_produit('produit', contenu_brut_crm(['champ_1', 'champ_2', 'champ_3']))
        | indent(4) }}
),

effacees as (
    {{ ecarter_lignes_effacees(
        'typees', ['cle_produit', 'typologie_produit', 'titre_produit']
    ) | indent(4) }}
)

select * from effacees
