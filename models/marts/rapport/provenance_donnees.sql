with

fct_retour_client as (
    select date_achat from {{ ref('fct_retour_client') }}
),

final as (
    select
        {{ nom_dossier_brut() }} as nom_dossier_brut,
        min(date_achat) as premiere_date_achat,
        max(date_achat) as derniere_date_achat,
        count(*) as nb_retours,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as construit_le
    from fct_retour_client
)

select * from final
