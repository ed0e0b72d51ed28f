-- The parsing rules on literal fields, through each engine's variant: integers (leading zeros,
-- sign, no decimal part, at most 18 digits), decimals, ISO dates (an impossible day is null,
-- never rolled over), labels (lower case, one space, accents kept, blank → null), booleans
-- (unknown is null, never "no"), and the clean-label check. Returns one row per case whose
-- result differs from the expected one.
with

entiers (cas, texte, attendu) as (
    values
    ('zéros en tête', '007', 7),
    ('signe', '-3', -3),
    ('partie décimale', '3.0', null),
    ('19 chiffres', '1234567890123456789', null),
    ('lettre', '7a', null)
),

decimaux (cas, texte, attendu) as (
    values
    ('point', '48.85', 48.85),
    ('autre séparateur', '48x85', null)
),

dates (cas, texte, attendu) as (
    values
    ('iso', '2021-05-01', date '2021-05-01'),
    ('jour impossible', '2021-02-30', null),
    ('autre format', '01/05/2021', null)
),

libelles (cas, texte, attendu, est_sans_espace_superflu) as (
    values
    ('propre', 'email', 'email', true),
    ('majuscules et espaces', '  Réseaux   Sociaux ', 'réseaux sociaux', false),
    ('double espace', 'e  mail', 'e mail', false),
    ('tabulation', concat('E', chr(9), 'mail'), 'e mail', false),
    ('blanc', '   ', null, false)
),

booleens (cas, texte, attendu) as (
    values
    ('un', '1', true),
    ('zéro', '0', false),
    ('inconnu', 'oui', null)
),

ecarts as (
    select 'entier: ' || cas as cas
    from entiers
    where not ({{ entier_brut('texte') }} is not distinct from attendu)
    union all
    select 'décimal: ' || cas
    from decimaux
    where not ({{ decimal_brut('texte') }} is not distinct from attendu)
    union all
    select 'date: ' || cas
    from dates
    where not ({{ date_brute('texte') }} is not distinct from attendu)
    union all
    select 'libellé: ' || cas
    from libelles
    where
        not ({{ libelle_normalise('texte') }} is not distinct from attendu)
        or not (
            coalesce({{ libelle_sans_espace_superflu('texte') }}, false)
            = est_sans_espace_superflu
        )
    union all
    select 'booléen: ' || cas
    from booleens
    where not ({{ booleen_brut('texte') }} is not distinct from attendu)
)

select * from ecarts
