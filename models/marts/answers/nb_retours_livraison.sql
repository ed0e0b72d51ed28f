with

fct_retour_client as (
    select libelle_categorie from {{ ref('fct_retour_client') }}
),

final as (
    select
        cast('{{ var("q02_categorie") }}' as {{ dbt.type_string() }}) as libelle_categorie,
        count(*) as nb_retours
    from fct_retour_client
    where libelle_categorie = '{{ var("q02_categorie") }}'
)

select * from final
