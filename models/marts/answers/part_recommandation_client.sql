with

fct_retour_client as (
    select recommandation from {{ ref('fct_retour_client') }}
),

comptes as (
    select
        -- DuckDB sums integers as hugeint: cast to bigint, the type of every other count.
        cast(sum(case when recommandation = true then 1 else 0 end) as bigint) as nb_oui,
        cast(sum(case when recommandation = false then 1 else 0 end) as bigint) as nb_non,
        cast(sum(case when recommandation is null then 1 else 0 end) as bigint) as nb_inconnu,
        count(*) as nb_retours
    from fct_retour_client
),

final as (
    select
        coalesce(nb_oui, 0) as nb_oui,
        coalesce(nb_non, 0) as nb_non,
        coalesce(nb_inconnu, 0) as nb_inconnu,
        coalesce(nb_oui, 0) + coalesce(nb_non, 0) as nb_reponses_connues,
        nb_retours,
        {{ pourcentage('nb_oui', 'coalesce(nb_oui, 0) + coalesce(nb_non, 0)') }}
            as pct_recommandation
    from comptes
)

select * from final
