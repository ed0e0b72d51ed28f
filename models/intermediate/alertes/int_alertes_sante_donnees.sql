{#-
    Data-health alerts: `export_perime`, a raw export older than its freshness threshold
    (`int_alertes_fraicheur_exports`; its window is the day the file was written, so the alert
    keeps its id until a new export arrives); `quarantaine_elevee`, a file with more than
    `alertes_quarantaine_part_max` % of its raw rows set aside (`rapprochement_lignes_brutes`);
    `libelle_nouveau`, a source or category label of the fact missing from the reference list
    `libelles_reference` (the build already warns about it; `info`).
-#}
{%- set part_max = var('alertes_quarantaine_part_max') -%}

with

int_alertes_fraicheur_exports as (
    select
        fichier,
        derniere_modification,
        seuil_heures,
        maintenant
    from {{ ref('int_alertes_fraicheur_exports') }}
),

rapprochement_lignes_brutes as (
    select
        fichier_source,
        nb_lignes_brutes,
        nb_lignes_rejetees
    from {{ ref('rapprochement_lignes_brutes') }}
),

fct_retour_client as (
    select
        date_achat,
        libelle_source,
        libelle_categorie
    from {{ ref('fct_retour_client') }}
),

libelles_reference as (
    select
        domaine,
        libelle
    from {{ ref('libelles_reference') }}
),

ages as (
    select
        fichier,
        derniere_modification,
        seuil_heures,
        maintenant,
        cast({{ dbt.datediff('derniere_modification', 'maintenant', 'second') | trim }} as double)
        / 3600 as age_heures
    from int_alertes_fraicheur_exports
),

exports_perimes as (
    select
        cast('export_perime' as {{ dbt.type_string() }}) as type_alerte,
        cast('export' as {{ dbt.type_string() }}) as niveau_portee,
        fichier as code_portee,
        fichier as libelle_portee,
        cast(null as {{ dbt.type_string() }}) as code_departement,
        cast(derniere_modification as date) as periode_debut,
        cast(maintenant as date) as periode_fin,
        age_heures as valeur,
        seuil_heures as reference,
        seuil_heures as limite,
        cast(null as bigint) as nb_reponses,
        cast('alerte' as {{ dbt.type_string() }}) as gravite,
        'Export « ' || fichier || ' » périmé : dernière version du '
        || cast(cast(derniere_modification as date) as {{ dbt.type_string() }})
        || ', il y a ' || {{ texte_nombre('age_heures', 0) }}
        || ' heures (seuil de fraîcheur ' || {{ texte_nombre('seuil_heures', 0) }}
        || ' heures).' as message
    from ages
    where age_heures > seuil_heures
),

parts_quarantaine as (
    select
        rapprochement.fichier_source,
        rapprochement.nb_lignes_brutes,
        rapprochement.nb_lignes_rejetees,
        {{ pourcentage('rapprochement.nb_lignes_rejetees', 'rapprochement.nb_lignes_brutes') }}
            as pct_rejetees,
        exports.derniere_modification,
        exports.maintenant
    from rapprochement_lignes_brutes as rapprochement
    left join int_alertes_fraicheur_exports as exports
        on {{ dbt.split_part('rapprochement.fichier_source', "':'", 1) }} = exports.fichier
),

quarantaines as (
    select
        cast('quarantaine_elevee' as {{ dbt.type_string() }}) as type_alerte,
        cast('export' as {{ dbt.type_string() }}) as niveau_portee,
        fichier_source as code_portee,
        fichier_source as libelle_portee,
        cast(null as {{ dbt.type_string() }}) as code_departement,
        cast(coalesce(derniere_modification, maintenant) as date) as periode_debut,
        cast(coalesce(maintenant, derniere_modification) as date) as periode_fin,
        pct_rejetees as valeur,
        cast({{ part_max }} as double) as reference,
        cast({{ part_max }} as double) as limite,
        cast(null as bigint) as nb_reponses,
        cast('alerte' as {{ dbt.type_string() }}) as gravite,
        'Quarantaine élevée pour « ' || fichier_source || ' » : '
        || cast(nb_lignes_rejetees as {{ dbt.type_string() }}) || ' lignes écartées sur '
        || cast(nb_lignes_brutes as {{ dbt.type_string() }}) || ' ('
        || {{ texte_nombre('pct_rejetees') }} || ' %, seuil '
        || {{ texte_nombre('cast(' ~ part_max ~ ' as double)') }} || ' %).' as message
    from parts_quarantaine
    where pct_rejetees > {{ part_max }}
),

libelles as (
    select
        'source' as domaine,
        libelle_source as libelle,
        date_achat
    from fct_retour_client
    where libelle_source is not null
    union all
    select
        'categorie' as domaine,
        libelle_categorie as libelle,
        date_achat
    from fct_retour_client
    where libelle_categorie is not null
),

nouveaux as (
    select
        libelles.domaine,
        libelles.libelle,
        min(libelles.date_achat) as premiere_date,
        max(libelles.date_achat) as derniere_date,
        count(*) as nb_retours
    from libelles
    where not exists (
            select 1
            from libelles_reference
            where
                libelles_reference.domaine = libelles.domaine
                and libelles_reference.libelle = libelles.libelle
        )
    group by libelles.domaine, libelles.libelle
),

libelles_nouveaux as (
    select
        cast('libelle_nouveau' as {{ dbt.type_string() }}) as type_alerte,
        cast(domaine as {{ dbt.type_string() }}) as niveau_portee,
        libelle as code_portee,
        libelle as libelle_portee,
        cast(null as {{ dbt.type_string() }}) as code_departement,
        premiere_date as periode_debut,
        derniere_date as periode_fin,
        cast(nb_retours as double) as valeur,
        cast(null as double) as reference,
        cast(null as double) as limite,
        cast(nb_retours as bigint) as nb_reponses,
        cast('info' as {{ dbt.type_string() }}) as gravite,
        case when domaine = 'source' then 'Nouvelle source « ' else 'Nouvelle catégorie « ' end
        || libelle || ' » : ' || cast(nb_retours as {{ dbt.type_string() }})
        || ' retours depuis le ' || cast(premiere_date as {{ dbt.type_string() }})
        || ', gardés sous ce nom ; à ajouter à la liste de référence une fois vérifiée.'
            as message
    from nouveaux
),

final as (
    select * from exports_perimes
    union all
    select * from quarantaines
    union all
    select * from libelles_nouveaux
)

select * from final
