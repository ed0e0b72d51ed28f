{#-
    Ephemeral: typed in the very query that qualifies the feedback (int_retour_client_qualifie),
    so that ten million typed rows are not written to disk only to be read back once.
-#}
{{ config(materialized='ephemeral') }}

{%- set colonnes = ['cle_retour_client', 'note', 'cle_produit', 'ref_magasin', 'date_achat',
                    'libelle_source', 'libelle_categorie', 'recommandation'] -%}

with

retour_client as (
    select
        'Satisfaction.db:retour_client' as fichier_source,
        rowid as numero_ligne,
        8 as nb_champs,
        {{ champs_crm(colonnes) | indent(8) }}
    from {{ source('bestmarket_crm', 'retour_client') }}
),

typees as (
    {{ typer_retour_client('retour_client', contenu_brut_crm(
        ['champ_1', 'champ_2', 'champ_3', 'champ_4', 'champ_5', 'champ_6', 'champ_7',
         'champ_8'])) | indent(4) }}
)

select * from typees
