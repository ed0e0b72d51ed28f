with

fct_retour_client as (
    select
        cle_retour_client,
        libelle_source
    from {{ ref('fct_retour_client') }}
),

retours_et_sources as (
    -- Every reference label, even without feedback (one row without a key, which counts
    -- for nothing below), and any new label the exports bring (kept and answered under its
    -- own name; the build warns about it). A union rather than a join from the labels: the
    -- fact is scanned once and aggregated directly, about twice as fast at 10M rows.
    select
        libelle_source,
        cle_retour_client
    from fct_retour_client
    union all
    select
        libelle as libelle_source,
        cast(null as {{ dbt.type_bigint() }}) as cle_retour_client
    from {{ ref('libelles_reference') }}
    where domaine = 'source'
),

total as (
    select count(*) as nb_retours_total from fct_retour_client
),

par_source as (
    select
        retours_et_sources.libelle_source,
        count(retours_et_sources.cle_retour_client) as nb_retours
    from retours_et_sources
    group by retours_et_sources.libelle_source
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
