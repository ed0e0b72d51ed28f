{{ config(**lecture_lignes_csv('objectifs_nps')) }}

-- depends_on: {{ source('bestmarket_csv', 'objectifs_nps') }}

{% set texte = dbt.type_string() %}

{#
    The business's monthly NPS targets, `AAAA-MM;objectif` per line. A bad line is neither kept
    nor set aside: the build stops naming the file, the line and the problem, since a target
    silently dropped would move the report's target line. Empty lines are skipped.
#}

with

lignes as (
    {{ lignes_csv_brutes('objectifs_nps', 2) | indent(4) }}
),

champs as (
    select
        fichier_source,
        numero_ligne,
        nb_champs,
        trim(champ_1) as mois_texte,
        trim(replace(champ_2, ',', '.')) as objectif_texte
    from lignes
    where trim(coalesce(contenu_brut, '')) <> ''
),

typees as (
    select
        fichier_source,
        numero_ligne,
        nb_champs,
        mois_texte,
        objectif_texte,
        case
            when length(mois_texte) = 7 and substr(mois_texte, 5, 1) = '-'
                then try_cast(mois_texte || '-01' as date)
        end as mois,
        try_cast(objectif_texte as double) as objectif_nps
    from champs
),

controlees as (
    select
        fichier_source,
        numero_ligne,
        mois,
        objectif_nps,
        case
            when nb_champs <> 2
                then 'expected 2 fields `AAAA-MM;objectif`, found '
                    || cast(nb_champs as {{ texte }})
            when mois is null
                then 'month ''' || mois_texte || ''' is not AAAA-MM'
            when objectif_nps is null
                then 'target ''' || objectif_texte || ''' is not a number'
            when not objectif_nps between -100 and 100
                then 'target ' || objectif_texte || ' is outside [-100, 100]'
            when numero_ligne > min(numero_ligne) over (partition by mois)
                then 'month ' || mois_texte || ' already has a target on line '
                    || cast(min(numero_ligne) over (partition by mois) as {{ texte }})
        end as probleme
    from typees
),

final as (
    select
        fichier_source,
        numero_ligne,
        mois,
        case
            when probleme is null then objectif_nps
            else cast({{ echec_ligne(
                "'NPS targets rejected: ' || fichier_source || ', line '"
                ~ " || cast(numero_ligne as " ~ texte ~ ") || ': ' || probleme"
                ~ " || ' (fix the file in the raw folder)'"
            ) }} as double)
        end as objectif_nps
    from controlees
)

select * from final
