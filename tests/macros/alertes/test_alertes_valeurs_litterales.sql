-- The alert messages' macros on literal values: a number as French text (rounded, decimal
-- comma, integer at 0 places, null kept) and the last day of a month (30, 31, February).
-- Returns one row per case that differs.
with

nombres (cas, valeur, decimales, texte) as (
    values
    ('arrondi a 1 decimale', 13.62495, 1, '13,6'),
    ('negatif', -6.18308, 1, '-6,2'),
    ('entier', 30.0, 1, '30,0'),
    ('0 decimale', 54.4, 0, '54')
),

mois (cas, debut, fin) as (
    values
    ('avril', cast('2021-04-01' as date), cast('2021-04-30' as date)),
    ('decembre', cast('2021-12-01' as date), cast('2021-12-31' as date)),
    ('fevrier bissextile', cast('2024-02-01' as date), cast('2024-02-29' as date))
),

ecarts as (
    select
        cas,
        'texte faux' as ecart
    from nombres
    where
        decimales = 1
        and {{ texte_nombre('valeur', 1) }} <> texte
    union all
    select
        cas,
        'texte faux' as ecart
    from nombres
    where
        decimales = 0
        and {{ texte_nombre('valeur', 0) }} <> texte
    union all
    select
        'nul' as cas,
        'nul perdu' as ecart
    where {{ texte_nombre('cast(null as double)') }} is not null
    union all
    select
        cas,
        'fin de mois fausse' as ecart
    from mois
    where {{ fin_mois('debut') }} <> fin
)

select * from ecarts
