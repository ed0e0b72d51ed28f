-- The variance of an NPS and its decomposition on literal values, worked out by hand:
-- p = 0.5, d = 0.2, n = 100 gives V = 100² × (0.7 − 0.09) = 6,100 points² and a 95 % margin of
-- 1.96 × √(6,100 / 100) = 15.31 points (the plain margin of `marge_erreur_nps_depuis_comptes`
-- too); the adjusted Wald interval adds ¾ to each group and 3 to n; the mix and performance
-- effects of one part add up to the change of w × r. Returns one row per case that differs.
with

comptes (
    cas, nb_promoteurs, nb_detracteurs, nb_reponses, variance, marge, centre_ajuste,
    marge_ajustee) as (
    values
    -- 100² × (0.5 + 0.2 − 0.3²); adjusted: p = 50.75 / 103, d = 20.75 / 103
    ('p 0.5 d 0.2 n 100', 50, 20, 100, 6100.0, 15.3081, 29.126214, 15.0754),
    -- all promoters: no spread; adjusted: p = 10.75 / 13, d = 0.75 / 13
    ('tous promoteurs n 10', 10, 0, 10, 0.0, 0.0, 76.923077, 29.4201),
    -- half promoters, half detractors: V = 100² × 1
    ('moitie moitie n 4', 2, 2, 4, 10000.0, 98.0, 0.0, 65.6658)
),

effets (cas, part_avant, part_apres, nps_avant, nps_apres, mix, performance) as (
    values
    ('seul le mix', 0.5, 0.75, 40.0, 40.0, 10.0, 0.0),
    ('seule la performance', 0.5, 0.5, 40.0, 60.0, 0.0, 10.0),
    ('les deux', 0.2, 0.4, -10.0, 30.0, 2.0, 12.0)
),

ecarts as (
    select
        cas,
        'variance ou marge fausse' as ecart
    from comptes
    where
        abs(
            {{ variance_nps_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }}
            - variance
        ) > 1e-6
        or abs(round({{ marge_erreur_nps_depuis_comptes(
            'nb_promoteurs', 'nb_detracteurs', 'nb_reponses'
        ) }}, 4) - marge) > 1e-9
        or abs(round(1.96 * sqrt({{ variance_nps_depuis_comptes(
            'nb_promoteurs', 'nb_detracteurs', 'nb_reponses'
        ) }} / nb_reponses), 4) - marge) > 1e-9
    union all
    select
        cas,
        'intervalle de Wald ajuste faux' as ecart
    from comptes
    where
        abs(
            {{ nps_wald_ajuste_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }}
            - centre_ajuste
        ) > 1e-5
        or abs(round({{ marge_nps_wald_ajuste_depuis_comptes(
            'nb_promoteurs', 'nb_detracteurs', 'nb_reponses'
        ) }}, 4) - marge_ajustee) > 1e-9
    union all
    select
        cas,
        'effets faux, ou leur somme differente de la variation de w r' as ecart
    from effets
    where
        abs({{ effet_mix('part_avant', 'part_apres', 'nps_avant', 'nps_apres') }} - mix) > 1e-9
        or abs(
            {{ effet_performance('part_avant', 'part_apres', 'nps_avant', 'nps_apres') }}
            - performance
        ) > 1e-9
        or abs(
            {{ effet_mix('part_avant', 'part_apres', 'nps_avant', 'nps_apres') }}
            + {{ effet_performance('part_avant', 'part_apres', 'nps_avant', 'nps_apres') }}
            - (part_apres * nps_apres - part_avant * nps_avant)
        ) > 1e-9
    union all
    select
        'aucune reponse' as cas,
        'non nul sans reponse' as ecart
    from (select 0 as zero) as sans_reponse
    where {{ variance_nps_depuis_comptes('zero', 'zero', 'zero') }} is not null
)

select * from ecarts
