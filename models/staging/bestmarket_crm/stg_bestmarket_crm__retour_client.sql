{%- set colonnes = ['cle_retour_client', 'note', 'cle_produit', 'ref_magasin', 'date_achat',
                    'libelle_source', 'libelle_categorie', 'recommandation'] -%}

with

retour_client as (
    select
        rowid as numero_ligne,
        {{ colonnes | join(',\n        ') }}
    from {{ source('bestmarket_crm', 'retour_client') }}
),

typees as (
    select
        'Satisfaction.db:retour_client' as fichier_source,
        numero_ligne,
        {{ contenu_brut_crm(colonnes) }} as contenu_brut,
        {{ colonnes_retour_client(colonnes, 8) | indent(8) }}
    from retour_client
)

select * from typees
