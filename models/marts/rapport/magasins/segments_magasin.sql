{#-
    The segments, as the customer-service team reads them: name and one-sentence rule in French,
    the order in which the rules are tried (`int_segments_magasin_mensuels`), whether the team
    should act on them, and how many stores each holds over the latest window.
-#}
{%- set fenetre = var('magasins_fenetre_mois') -%}
{%- set minimum = var('magasins_reponses_minimum') -%}
{%- set niveau = var('magasins_niveau_alerte', '99.8') | string | replace('.', ',') -%}

with

int_segments_magasin_mensuels as (
    select
        ref_magasin,
        mois_fin_fenetre,
        code_segment
    from {{ ref('int_segments_magasin_mensuels') }}
),

definitions (ordre, code_segment, segment, est_a_surveiller, description) as (
    values
    (
        1, 'trop_peu_de_retours', 'trop peu de retours pour juger', false,
        'Moins de {{ minimum }} réponses sur les {{ fenetre }} derniers mois : le magasin '
        || 'n''est pas jugé, quels que soient ses chiffres.'
    ),
    (
        2, 'a_suivre_de_pres', 'à suivre de près', true,
        'NPS plus bas que celui du réseau, ou part de détracteurs plus haute, d''un écart plus '
        || 'grand que sa marge d''erreur à {{ niveau }} % sur les {{ fenetre }} derniers mois.'
    ),
    (
        3, 'en_recul', 'en recul', true,
        'NPS des {{ fenetre // 2 }} derniers mois plus bas que celui des mois précédents de '
        || 'la fenêtre, d''un écart plus grand que sa marge d''erreur à {{ niveau }} % (au moins '
        || '{{ (minimum + 1) // 2 }} réponses dans chaque moitié).'
    ),
    (
        4, 'en_progres', 'en progrès', false,
        'NPS des {{ fenetre // 2 }} derniers mois plus haut que celui des mois précédents de '
        || 'la fenêtre, d''un écart plus grand que sa marge d''erreur à {{ niveau }} % (au moins '
        || '{{ (minimum + 1) // 2 }} réponses dans chaque moitié).'
    ),
    (
        5, 'solides', 'solides', false,
        'NPS plus haut que celui du réseau, d''un écart plus grand que sa marge d''erreur à '
        || '{{ niveau }} %, sur les {{ fenetre }} derniers mois.'
    ),
    (
        6, 'dans_la_norme', 'dans la norme du réseau', false,
        'Assez de réponses pour juger, mais aucun écart au réseau ni aucune tendance plus '
        || 'grands que leur marge d''erreur à {{ niveau }} %.'
    )
),

dernier_mois as (
    select max(mois_fin_fenetre) as mois_fin_fenetre
    from int_segments_magasin_mensuels
),

effectifs as (
    select
        int_segments_magasin_mensuels.code_segment,
        count(*) as nb_magasins
    from int_segments_magasin_mensuels
    inner join dernier_mois
        on int_segments_magasin_mensuels.mois_fin_fenetre = dernier_mois.mois_fin_fenetre
    group by int_segments_magasin_mensuels.code_segment
),

final as (
    select
        cast(definitions.ordre as integer) as ordre,
        cast(definitions.code_segment as {{ dbt.type_string() }}) as code_segment,
        cast(definitions.segment as {{ dbt.type_string() }}) as segment,
        cast(definitions.description as {{ dbt.type_string() }}) as description,
        definitions.est_a_surveiller,
        cast(coalesce(effectifs.nb_magasins, 0) as bigint) as nb_magasins
    from definitions
    left join effectifs
        on definitions.code_segment = effectifs.code_segment
)

select * from final
