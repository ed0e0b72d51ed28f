-- The NPS macros on literal notes: all promoters → 100, all detractors → −100, only passives
-- → 0, as many promoters as detractors → 0, the 6/7 and 8/9 boundaries, no rows → null.
-- Returns one row per case whose result differs from the expected one.
with

notes (cas, note) as (
    values
    ('tous promoteurs', 9),
    ('tous promoteurs', 10),
    ('tous detracteurs', 0),
    ('tous detracteurs', 6),
    ('que des passifs', 7),
    ('que des passifs', 8),
    ('autant de promoteurs que de detracteurs', 10),
    ('autant de promoteurs que de detracteurs', 3),
    ('autant de promoteurs que de detracteurs', 8),
    ('un tiers de promoteurs', 9),
    ('un tiers de promoteurs', 7),
    ('un tiers de promoteurs', 8)
),

attendus (cas, nps_attendu, nb_promoteurs_attendu, nb_passifs_attendu, marge_attendue) as (
    -- marge: 1.96 × 100 × √((p + d − (p − d)²) / n), worked out by hand
    values
    ('tous promoteurs', 100.0, 2, 0, 0.0),
    ('tous detracteurs', -100.0, 0, 0, 0.0),
    ('que des passifs', 0.0, 0, 2, 0.0),
    ('autant de promoteurs que de detracteurs', 0.0, 1, 1, 92.39528607504),
    ('un tiers de promoteurs', cast(100 as double) / 3, 1, 2, 53.3444432873)
),

calcules as (
    select
        cas,
        {{ nps('note') }} as nps,
        {{ nb_groupe_nps('note', 'promoteur') }} as nb_promoteurs,
        {{ nb_groupe_nps('note', 'passif') }} as nb_passifs,
        {{ marge_erreur_nps('note') }} as marge
    from notes
    group by cas
),

sans_ligne as (
    select
        {{ nps('note') }} as nps,
        {{ marge_erreur_nps('note') }} as marge
    from notes
    where 1 = 0
),

bornes (note, groupe_attendu) as (
    values
    (0, 'détracteur'),
    (6, 'détracteur'),
    (7, 'passif'),
    (8, 'passif'),
    (9, 'promoteur'),
    (10, 'promoteur')
),

groupes as (
    select
        note,
        groupe_attendu,
        {{ groupe_nps('note') }} as groupe
    from bornes
),

ecarts as (
    select
        attendus.cas,
        'nps ou groupes faux' as ecart
    from attendus
    left join calcules
        on attendus.cas = calcules.cas
    where
        calcules.nps is null
        or abs(calcules.nps - attendus.nps_attendu) > 1e-9
        or calcules.nb_promoteurs <> attendus.nb_promoteurs_attendu
        or calcules.nb_passifs <> attendus.nb_passifs_attendu
        or abs(calcules.marge - attendus.marge_attendue) > 1e-6
    union all
    select
        'aucune ligne' as cas,
        'nps non nul sans ligne' as ecart
    from sans_ligne
    where nps is not null or marge is not null
    union all
    select
        'borne ' || cast(note as {{ dbt.type_string() }}) as cas,
        'groupe faux: ' || groupe as ecart
    from groupes
    where groupe <> groupe_attendu
)

select * from ecarts
