{% macro marge_erreur_nps(note) -%}
    {#-
        95 % margin of error of an NPS, in points: 1.96 × standard error, where the variance
        of (promoter share − detractor share) over n responses is
        (p + d − (p − d)²) / n with p, d the promoter and detractor shares (0–1). The formula
        lives once, in `marge_erreur_nps_depuis_comptes`.
    -#}
    {{ marge_erreur_nps_depuis_comptes(
        nb_groupe_nps(note, 'promoteur'), nb_groupe_nps(note, 'détracteur'),
        'count(' ~ note ~ ')'
    ) }}
{%- endmacro %}
