{%- set entites = [
    ('retour_client', 'int_retour_client_qualifie', 'cle_retour_client'),
    ('produit', 'int_produit_qualifie', 'cle_produit'),
    ('ref_magasin', 'int_magasin_qualifie', 'ref_magasin'),
] -%}

with

{% for entite, modele, cle in entites -%}
rejets_{{ entite }} as (
    select
        '{{ entite }}' as table_cible,
        fichier_source,
        numero_ligne,
        contenu_brut,
        cast({{ cle }} as varchar) as cle,
        motif_rejet
    from {{ ref(modele) }}
    where statut = 'rejetée'
),

{% endfor -%}

final as (
    {%- for entite, modele, cle in entites %}
    select * from rejets_{{ entite }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select
    cast(table_cible as varchar) as table_cible,
    cast(fichier_source as varchar) as fichier_source,
    cast(numero_ligne as bigint) as numero_ligne,
    cast(contenu_brut as varchar) as contenu_brut,
    cast(cle as varchar) as cle,
    cast(motif_rejet as varchar) as motif_rejet
from final
