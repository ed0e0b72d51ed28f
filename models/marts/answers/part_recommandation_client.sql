with

fct_retour_client as (
    select recommandation from {{ ref('fct_retour_client') }}
),

comptes as (
    select
        sum(case when recommandation = true then 1 else 0 end) as nb_oui,
        sum(case when recommandation = false then 1 else 0 end) as nb_non,
        sum(case when recommandation is null then 1 else 0 end) as nb_inconnu,
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
