{#- The CRM may or may not hold a ref_magasin table: without it, this model is empty. -#}
{%- set colonnes = ['ref_magasin', 'departement', 'departement_commune', 'libelle_de_commune',
                    'population', 'latitude', 'longitude'] -%}
{%- set table_presente = crm_table_existe('ref_magasin') -%}

with

ref_magasin as (
    {%- if table_presente %}
        select
            'Satisfaction.db:ref_magasin' as fichier_source,
            rowid as numero_ligne,
            7 as nb_champs,
            {{ champs_crm(colonnes) | indent(12) }}
        from {{ source('bestmarket_crm', 'ref_magasin') }}
    {%- else %}
    select
        'Satisfaction.db:ref_magasin' as fichier_source,
        cast(null as bigint) as numero_ligne,
        7 as nb_champs,
        {%- for colonne in colonnes %}
        cast(null as {{ dbt.type_string() }}) as champ_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    where false
    {%- endif %}
),

typees as (
    {{ typer_ref_magasin('ref_magasin', contenu_brut_crm(
        ['champ_1', 'champ_2', 'champ_3', 'champ_4', 'champ_5', 'champ_6', 'champ_7']))
        | indent(4) }}
),

effacees as (
    {{ ecarter_lignes_effacees('typees', [
        'ref_magasin', 'code_departement', 'code_commune', 'libelle_commune',
        'population', 'latitude', 'longitude',
    ]) | indent(4) }}
)

select * from effacees
