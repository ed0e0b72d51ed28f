{#-
    The NPS and its margin from counts: the one place of both formulas. `nps` and
    `marge_erreur_nps` (macros/nps.sql) call them with the counts of the notes; the store
    models with counts already summed (per store and month, then over a rolling window). The promoter / detractor buckets
    stay in `nb_groupe_nps`, applied once to the notes before the counts are summed.
-#}

{% macro nps_depuis_comptes(nb_promoteurs, nb_detracteurs, nb_reponses) -%}
    {{ pourcentage('(' ~ nb_promoteurs ~ ') - (' ~ nb_detracteurs ~ ')', nb_reponses) }}
{%- endmacro %}

{% macro marge_erreur_nps_depuis_comptes(nb_promoteurs, nb_detracteurs, nb_reponses) -%}
    {%- set p = 'cast(' ~ nb_promoteurs ~ ' as double) / nullif(' ~ nb_reponses ~ ', 0)' -%}
    {%- set d = 'cast(' ~ nb_detracteurs ~ ' as double) / nullif(' ~ nb_reponses ~ ', 0)' -%}
    1.96 * 100 * sqrt(
        (({{ p }}) + ({{ d }}) - (({{ p }}) - ({{ d }})) * (({{ p }}) - ({{ d }})))
        / nullif({{ nb_reponses }}, 0)
    )
{%- endmacro %}

{% macro marge_erreur_part_depuis_comptes(nb, nb_reponses) -%}
    {#- 95 % margin of a share in points (0–100): 1.96 × 100 × √(p (1 − p) / n). -#}
    {%- set p = 'cast(' ~ nb ~ ' as double) / nullif(' ~ nb_reponses ~ ', 0)' -%}
    1.96 * 100 * sqrt(({{ p }}) * (1 - ({{ p }})) / nullif({{ nb_reponses }}, 0))
{%- endmacro %}
