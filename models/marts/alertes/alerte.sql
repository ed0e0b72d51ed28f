{#-
    Every alert condition that holds on the latest data the warehouse has, one row each, with
    its stable identity `<type_alerte>|<niveau_portee>|<code_portee>|<periode_debut>`: the same
    condition measured on the same window keeps its id from one night to the next, and an id
    that disappears is a condition that ended (the digest compares with what it last sent).
    The conditions are the intermediate models of models/intermediate/alertes/.
-#}
with

int_alertes_nps_baisse as (
    select
        type_alerte,
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        periode_debut,
        periode_fin,
        valeur,
        reference,
        limite,
        nb_reponses,
        gravite,
        message
    from {{ ref('int_alertes_nps_baisse') }}
),

int_alertes_detracteurs_hausse as (
    select
        type_alerte,
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        periode_debut,
        periode_fin,
        valeur,
        reference,
        limite,
        nb_reponses,
        gravite,
        message
    from {{ ref('int_alertes_detracteurs_hausse') }}
),

int_alertes_volume as (
    select
        type_alerte,
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        periode_debut,
        periode_fin,
        valeur,
        reference,
        limite,
        nb_reponses,
        gravite,
        message
    from {{ ref('int_alertes_volume') }}
),

int_alertes_sante_donnees as (
    select
        type_alerte,
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        periode_debut,
        periode_fin,
        valeur,
        reference,
        limite,
        nb_reponses,
        gravite,
        message
    from {{ ref('int_alertes_sante_donnees') }}
),

conditions as (
    select * from int_alertes_nps_baisse
    union all
    select * from int_alertes_detracteurs_hausse
    union all
    select * from int_alertes_volume
    union all
    select * from int_alertes_sante_donnees
),

final as (
    select
        cast(
            type_alerte || '|' || niveau_portee || '|' || code_portee || '|'
            || cast(periode_debut as {{ dbt.type_string() }})
            as {{ dbt.type_string() }}
        ) as id_alerte,
        cast(type_alerte as {{ dbt.type_string() }}) as type_alerte,
        cast(niveau_portee as {{ dbt.type_string() }}) as niveau_portee,
        cast(code_portee as {{ dbt.type_string() }}) as code_portee,
        cast(libelle_portee as {{ dbt.type_string() }}) as libelle_portee,
        cast(code_departement as {{ dbt.type_string() }}) as code_departement,
        cast(periode_debut as date) as periode_debut,
        cast(periode_fin as date) as periode_fin,
        cast(valeur as double) as valeur,
        cast(reference as double) as reference,
        cast(limite as double) as limite,
        cast(nb_reponses as bigint) as nb_reponses,
        cast(gravite as {{ dbt.type_string() }}) as gravite,
        cast(message as {{ dbt.type_string() }}) as message
    from conditions
)

select * from final
