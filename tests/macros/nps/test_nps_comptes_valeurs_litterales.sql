-- The NPS macros on counts give the figures of the NPS macros on notes: the same literal notes
-- summed into counts, then `nps_depuis_comptes` and `marge_erreur_nps_depuis_comptes` against
-- `nps` and `marge_erreur_nps`; `marge_erreur_part_depuis_comptes` on hand-worked shares; no
-- response → null. Returns one row per case whose result differs.
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

sur_notes as (
    select
        cas,
        {{ nps('note') }} as nps,
        {{ marge_erreur_nps('note') }} as marge,
        {{ nb_groupe_nps('note', 'promoteur') }} as nb_promoteurs,
        {{ nb_groupe_nps('note', 'détracteur') }} as nb_detracteurs,
        count(note) as nb_reponses
    from notes
    group by cas
),

sur_comptes as (
    select
        cas,
        nps as nps_notes,
        marge as marge_notes,
        {{ nps_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }} as nps,
        {{ marge_erreur_nps_depuis_comptes('nb_promoteurs', 'nb_detracteurs', 'nb_reponses') }}
            as marge
    from sur_notes
),

parts (cas, nb, nb_reponses, marge_attendue) as (
    -- 1.96 × 100 × √(p (1 − p) / n), worked out by hand
    values
    ('aucun', 0, 4, 0.0),
    ('tous', 4, 4, 0.0),
    ('moitie', 2, 4, 49.0),
    ('un sur dix', 1, 10, 18.5941926418)
),

ecarts as (
    select
        cas,
        'nps ou marge differents des macros sur notes' as ecart
    from sur_comptes
    where
        abs(nps - nps_notes) > 1e-9
        or abs(marge - marge_notes) > 1e-9
    union all
    select
        cas,
        'marge de part fausse' as ecart
    from parts
    where abs({{ marge_erreur_part_depuis_comptes('nb', 'nb_reponses') }} - marge_attendue) > 1e-6
    union all
    select
        'aucune reponse' as cas,
        'non nul sans reponse' as ecart
    from (select 0 as zero) as sans_reponse
    where
        {{ nps_depuis_comptes('zero', 'zero', 'zero') }} is not null
        or {{ marge_erreur_nps_depuis_comptes('zero', 'zero', 'zero') }} is not null
        or {{ marge_erreur_part_depuis_comptes('zero', 'zero') }} is not null
)

select * from ecarts
