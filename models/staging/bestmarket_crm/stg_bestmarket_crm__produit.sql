{%- set colonnes = ['cle_produit', 'typologie_produit', 'titre_produit'] -%}

with

produit as (
    select
        rowid as numero_ligne,
        {{ colonnes | join(',\n        ') }}
    from {{ source('bestmarket_crm', 'produit') }}
),

typees as (
    select
        'Satisfaction.db:produit' as fichier_source,
        numero_ligne,
        {{ contenu_brut_crm(colonnes) }} as contenu_brut,
        {{ colonnes_produit(colonnes, 3) | indent(8) }}
    from produit
)

select * from typees
