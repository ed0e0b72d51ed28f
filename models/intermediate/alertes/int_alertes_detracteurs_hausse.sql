{#-
    Alerts `detracteurs_hausse`: a source or a category whose detractor share (notes 0–6, in
    0–100) over its recent window (`int_alertes_fenetres`) is above its own history by more
    than the control limit: the z-value of the gap of two independent shares (variance
    100² p (1 − p) / n on each side, macro `z_ecart`) over z of `alertes_niveau`, one-sided.
    Both sides must hold `alertes_reponses_min` responses.
-#}
{%- set reponses_min = var('alertes_reponses_min') -%}
{%- set z = z_normal(var('alertes_niveau')) -%}

with

int_alertes_fenetres as (
    select
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        mois_debut_fenetre,
        mois_fin_fenetre,
        nb_reponses,
        nb_detracteurs,
        nb_reponses_historique,
        nb_detracteurs_historique
    from {{ ref('int_alertes_fenetres') }}
    where
        niveau_portee in ('source', 'categorie')
        and est_jugeable
        and nb_reponses_historique >= {{ reponses_min }}
),

parts as (
    select
        *,
        {{ pourcentage('nb_detracteurs', 'nb_reponses') }} as pct_detracteurs,
        {{ pourcentage('nb_detracteurs_historique', 'nb_reponses_historique') }}
            as pct_detracteurs_historique
    from int_alertes_fenetres
),

variances as (
    select
        *,
        pct_detracteurs * (100 - pct_detracteurs) / nb_reponses as variance_part,
        pct_detracteurs_historique * (100 - pct_detracteurs_historique)
        / nb_reponses_historique as variance_part_historique
    from parts
),

ecarts as (
    select
        *,
        pct_detracteurs_historique
        + {{ z }} * sqrt(variance_part + variance_part_historique) as limite,
        {{ z_ecart(
            'pct_detracteurs - pct_detracteurs_historique',
            'variance_part', 'variance_part_historique'
        ) }} as z_historique
    from variances
),

final as (
    select
        cast('detracteurs_hausse' as {{ dbt.type_string() }}) as type_alerte,
        niveau_portee,
        code_portee,
        libelle_portee,
        code_departement,
        mois_debut_fenetre as periode_debut,
        {{ fin_mois('mois_fin_fenetre') }} as periode_fin,
        pct_detracteurs as valeur,
        pct_detracteurs_historique as reference,
        limite,
        nb_reponses,
        cast('alerte' as {{ dbt.type_string() }}) as gravite,
        'Détracteurs en hausse '
        || case when niveau_portee = 'source' then 'sur la source « ' else 'sur la catégorie « ' end
        || libelle_portee || ' » : ' || {{ texte_nombre('pct_detracteurs') }} || ' % sur '
        || cast(nb_reponses as {{ dbt.type_string() }}) || ' réponses du '
        || cast(mois_debut_fenetre as {{ dbt.type_string() }}) || ' au '
        || cast({{ fin_mois('mois_fin_fenetre') }} as {{ dbt.type_string() }})
        || ', contre ' || {{ texte_nombre('pct_detracteurs_historique') }}
        || ' % dans son historique (limite de contrôle '
        || {{ texte_nombre('limite') }} || ' %).' as message
    from ecarts
    where z_historique > {{ z }}
)

select * from final
