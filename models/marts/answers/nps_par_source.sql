with

fct_retour_client as (
    select
        note,
        libelle_source
    from {{ ref('fct_retour_client') }}
),

sources as (
    -- Every reference label, even without feedback, and any new label the exports bring
    -- (kept and answered under its own name; the build warns about it).
    select libelle as libelle_source from {{ ref('libelles_reference') }}
    where domaine = 'source'
    union
    select libelle_source from fct_retour_client
),

final as (
    select
        sources.libelle_source,
        {{ colonnes_nps('fct_retour_client.note') | indent(8) }}
    from sources
    left join fct_retour_client
        on sources.libelle_source = fct_retour_client.libelle_source
    group by sources.libelle_source
)

select * from final
