with

fct_retour_client as (
    select
        cle_retour_client,
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

total as (
    select count(*) as nb_retours_total from fct_retour_client
),

par_source as (
    select
        sources.libelle_source,
        count(fct_retour_client.cle_retour_client) as nb_retours
    from sources
    left join fct_retour_client
        on sources.libelle_source = fct_retour_client.libelle_source
    group by sources.libelle_source
),

final as (
    select
        par_source.libelle_source,
        par_source.nb_retours,
        {{ pourcentage('par_source.nb_retours', 'total.nb_retours_total') }} as pct_retours
    from par_source
    cross join total
)

select * from final
