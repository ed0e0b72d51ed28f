{#- The CRM may or may not hold a ref_magasin table: without it, this model is empty. -#}
{%- set colonnes = ['ref_magasin', 'departement', 'departement_commune', 'libelle_de_commune',
                    'population', 'latitude', 'longitude'] -%}
{%- set table_presente = crm_table_existe('ref_magasin') -%}

with

ref_magasin as (
    {%- if table_presente %}
        select
            rowid as numero_ligne,
            {{ colonnes | join(',\n        ') }}
        from {{ source('bestmarket_crm', 'ref_magasin') }}
    {%- else %}
    select
        cast(null as bigint) as numero_ligne,
        {%- for colonne in colonnes %}
        cast(null as varchar) as {{ colonne }}{{ ',' if not loop.last }}
        {%- endfor %}
    where false
    {%- endif %}
),

typees as (
    select
        'Satisfaction.db:ref_magasin' as fichier_source,
        numero_ligne,
        {{ contenu_brut_crm(colonnes) }} as contenu_brut,
        {{ colonnes_ref_magasin(colonnes, 7) | indent(8) }}
    from ref_magasin
)

select * from typees
