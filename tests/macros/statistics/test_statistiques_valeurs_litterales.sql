-- The significance macros on literal values, worked out by hand: the z-value of a gap between
-- two independent estimates, the normal quantiles, the funnel limits (kept within ±100).
-- Returns one row per case that differs.
with

ecarts_z (cas, ecart, variance_1, variance_2, z) as (
    values
    -- 20 / √(80 + 38)
    ('variation de 20 points', 20.0, 80.0, 38.0, 1.8411492357966468),
    ('3-4-5', -10.0, 9.0, 16.0, -2.0)
),

limites (cas, cible, variance_unitaire, nb_reponses, niveau, basse, haute) as (
    values
    -- 10 ± 1.96 × √(6,100 / 100)
    ('95 % a n = 100', 10.0, 6100.0, 100, '95', -5.3081, 25.3081),
    -- 10 ± 3.09 × √(6,100 / 100)
    ('99,8 % a n = 100', 10.0, 6100.0, 100, '99.8', -14.1337, 34.1337),
    -- 10 ± 1.96 × √6,100 = ±153: kept within ±100
    ('95 % a n = 1', 10.0, 6100.0, 1, '95', -100.0, 100.0)
),

ecarts as (
    select
        cas,
        'z faux' as ecart
    from ecarts_z
    where abs({{ z_ecart('ecart', 'variance_1', 'variance_2') }} - z) > 1e-9
    union all
    select
        cas,
        'limite d''entonnoir a 95 % fausse' as ecart
    from limites
    where
        niveau = '95' and (
            abs(round({{ limite_entonnoir(
                'cible', 'variance_unitaire', 'nb_reponses', '95', 'basse'
            ) }}, 4) - basse) > 1e-9
            or abs(round({{ limite_entonnoir(
                'cible', 'variance_unitaire', 'nb_reponses', '95', 'haute'
            ) }}, 4) - haute) > 1e-9
        )
    union all
    select
        cas,
        'limite d''entonnoir a 99,8 % fausse' as ecart
    from limites
    where
        niveau = '99.8' and (
            abs(round({{ limite_entonnoir(
                'cible', 'variance_unitaire', 'nb_reponses', '99.8', 'basse'
            ) }}, 4) - basse) > 1e-9
            or abs(round({{ limite_entonnoir(
                'cible', 'variance_unitaire', 'nb_reponses', '99.8', 'haute'
            ) }}, 4) - haute) > 1e-9
        )
    union all
    select
        'quantiles' as cas,
        'quantile normal faux' as ecart
    from (select 0 as zero) as quantiles
    where {{ z_normal('95') }} <> 1.96 or {{ z_normal('99.8') }} <> 3.09
    union all
    select
        'variances nulles' as cas,
        'z non nul sans variance' as ecart
    from (select 0.0 as zero) as sans_variance
    where {{ z_ecart('1.0', 'zero', 'zero') }} is not null
)

select * from ecarts
