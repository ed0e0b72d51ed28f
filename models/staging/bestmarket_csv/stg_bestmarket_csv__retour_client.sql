{#-
    Ephemeral: typed in the very query that qualifies the feedback (int_retour_client_qualifie),
    so that ten million typed rows are not written to disk only to be read back once. The raw
    lines are numbered by that model's pre-hook (`preparer_lignes_csv`).
-#}
{{ config(materialized='ephemeral') }}

-- depends_on: {{ source('bestmarket_csv', 'retour_client') }}

with

lignes as (
    {{ lignes_csv_brutes('retour_client', 8) | indent(4) }}
),

typees as (
    {{ typer_retour_client('lignes', 'contenu_brut') | indent(4) }}
)

select * from typees
