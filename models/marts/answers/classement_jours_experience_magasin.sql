with

fct_retour_client as (
    select
        note,
        date_achat,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

jours_semaine as (
    select
        numero_jour_iso,
        nom_jour
    from {{ ref('jours_semaine') }}
),

retours_magasin as (
    select
        note,
        {{ jour_semaine_iso('date_achat') }} as numero_jour_iso
    from fct_retour_client
    where libelle_categorie = '{{ var("q15_categorie") }}'
),

par_jour as (
    select
        jours_semaine.numero_jour_iso,
        jours_semaine.nom_jour,
        count(retours_magasin.note) as nb_retours,
        {{ moyenne('retours_magasin.note') }} as note_moyenne
    from jours_semaine
    left join retours_magasin
        on jours_semaine.numero_jour_iso = retours_magasin.numero_jour_iso
    group by jours_semaine.numero_jour_iso, jours_semaine.nom_jour
),

final as (
    select
        numero_jour_iso,
        nom_jour,
        nb_retours,
        note_moyenne,
        cast(rank() over (order by note_moyenne desc nulls last) as bigint) as rang
    from par_jour
)

select * from final
