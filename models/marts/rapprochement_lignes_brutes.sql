{%- set modeles = ['int_retour_client_qualifie', 'int_produit_qualifie', 'int_magasin_qualifie'] -%}

with

{% for modele in modeles -%}
statuts_{{ loop.index }} as (
    select
        fichier_source,
        statut
    from {{ ref(modele) }}
),

{% endfor -%}

statuts as (
    {%- for modele in modeles %}
    select * from statuts_{{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

comptes as (
    select
        fichier_source,
        count(*) as nb_lignes_brutes,
        sum(case when statut = 'retenue' then 1 else 0 end) as nb_lignes_retenues,
        sum(case when statut = 'doublon fusionné' then 1 else 0 end) as nb_doublons_fusionnes,
        sum(case when statut = 'rejetée' then 1 else 0 end) as nb_lignes_rejetees
    from statuts
    group by fichier_source
)

select
    cast(fichier_source as varchar) as fichier_source,
    cast(nb_lignes_brutes as bigint) as nb_lignes_brutes,
    cast(nb_lignes_retenues as bigint) as nb_lignes_retenues,
    cast(nb_doublons_fusionnes as bigint) as nb_doublons_fusionnes,
    cast(nb_lignes_rejetees as bigint) as nb_lignes_rejetees
from comptes
