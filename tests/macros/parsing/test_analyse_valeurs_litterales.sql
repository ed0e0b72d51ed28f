-- The parsing rules on literal fields, through each engine's variant: integers (leading zeros,
-- sign, no decimal part, at most 18 digits), decimals, ISO dates (an impossible day is null,
-- never rolled over), labels (lower case, one space, accents kept, empty → null), booleans
-- (unknown is null, never "no"), and the clean-label check. Returns one row per case whose
-- result differs from the expected one.
{%- set cas = [
    ('entier: leading zeros', entier_brut("'007'") ~ ' = 7'),
    ('entier: sign', entier_brut("'-3'") ~ ' = -3'),
    ('entier: decimal part', entier_brut("'3.0'") ~ ' is null'),
    ('entier: 19 digits', entier_brut("'1234567890123456789'") ~ ' is null'),
    ('entier: junk', entier_brut("'7a'") ~ ' is null'),
    ('decimal: point', decimal_brut("'48.85'") ~ ' = 48.85'),
    ('decimal: any character is no point', decimal_brut("'48x85'") ~ ' is null'),
    ('date: iso', date_brute("'2021-05-01'") ~ " = date '2021-05-01'"),
    ('date: impossible day', date_brute("'2021-02-30'") ~ ' is null'),
    ('date: other layout', date_brute("'01/05/2021'") ~ ' is null'),
    ('libelle: spaces and capitals', libelle_normalise("'  Réseaux   Sociaux '")
        ~ " = 'réseaux sociaux'"),
    ('libelle: tab', libelle_normalise("concat('E', chr(9), 'mail')") ~ " = 'e mail'"),
    ('libelle: blank', libelle_normalise("'   '") ~ ' is null'),
    ('booleen: 1', booleen_brut("'1'") ~ ' = true'),
    ('booleen: 0', booleen_brut("'0'") ~ ' = false'),
    ('booleen: unknown', booleen_brut("'oui'") ~ ' is null'),
    ('sans espace superflu: clean', libelle_sans_espace_superflu("'email'")),
    ('sans espace superflu: double space',
        'not ' ~ libelle_sans_espace_superflu("'e  mail'")),
    ('sans espace superflu: edge space', 'not ' ~ libelle_sans_espace_superflu("' email'")),
] %}

with

resultats as (
    {%- for nom, condition in cas %}
    select
        '{{ nom }}' as cas,
        coalesce({{ condition }}, false) as est_juste
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select cas from resultats
where not est_juste
