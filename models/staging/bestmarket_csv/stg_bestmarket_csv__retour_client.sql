{#-
    Ephemeral: typed in the very query that qualifies the feedback (int_retour_client_qualifie),
    so that ten million typed rows are not written to disk only to be read back once. Its raw
    lines are numbered by the hooks of every CSV reader (`lecture_lignes_csv`), which that
    model runs since its query is the one that reads them.
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
