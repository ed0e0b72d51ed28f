with

fct_retour_client as (
    select note from {{ ref('fct_retour_client') }}
),

final as (
    select
        {{ colonnes_nps('note') | indent(8) }}
    from fct_retour_client
)

select * from final
