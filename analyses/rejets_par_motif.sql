-- Exploration: quarantined rows per file and reason, to triage a bad export.
-- Compiled by dbt (`dbt compile`), not materialised; run the compiled SQL in any client.
with

fct_ligne_rejetee as (
    select
        fichier_source,
        motif_rejet
    from {{ ref('fct_ligne_rejetee') }}
),

par_motif as (
    select
        fichier_source,
        motif_rejet,
        count(*) as nb_lignes
    from fct_ligne_rejetee
    group by fichier_source, motif_rejet
)

select * from par_motif
order by nb_lignes desc, fichier_source asc, motif_rejet asc
