{% macro colonnes_nps(note) -%}
    {#- Every NPS output: responses, the three groups (counts and shares in 0–100), the NPS. -#}
    count({{ note }}) as nb_reponses,
    {{ nb_groupe_nps(note, 'promoteur') }} as nb_promoteurs,
    {{ nb_groupe_nps(note, 'passif') }} as nb_passifs,
    {{ nb_groupe_nps(note, 'détracteur') }} as nb_detracteurs,
    {{ pourcentage(nb_groupe_nps(note, 'promoteur'), 'count(' ~ note ~ ')') }} as pct_promoteurs,
    {{ pourcentage(nb_groupe_nps(note, 'passif'), 'count(' ~ note ~ ')') }} as pct_passifs,
    {{ pourcentage(nb_groupe_nps(note, 'détracteur'), 'count(' ~ note ~ ')') }} as pct_detracteurs,
    {{ nps(note) }} as nps,
    {{ marge_erreur_nps(note) }} as marge_erreur_95,
    count({{ note }}) < {{ var('nps_taille_minimale', 30) }} as est_echantillon_faible
{%- endmacro %}
