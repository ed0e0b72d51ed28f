{{ config(severity='warn') }}

-- A build that sets rows aside says so: this test warns (never fails) with one row per
-- target table and reason whenever this refresh's quarantine is not empty; the run's end
-- prints the same counts (macro signaler_quarantaine) and the summary of the main job too.
with

rejets as (
    select
        table_cible,
        {{ dbt.split_part('motif_rejet', "':'", 1) }} as motif
    from {{ ref('int_ligne_rejetee') }}
)

select
    table_cible,
    motif,
    count(*) as nb_lignes
from rejets
group by table_cible, motif
