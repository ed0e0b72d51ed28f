{#-
    The NPS and its margin from counts already summed (per store and month, then over a rolling
    window), where `macros/nps.sql` works on the notes themselves. Same definitions: the NPS
    through `pourcentage`, the margin by the formula of `marge_erreur_nps` (a literal-value test
    checks that both give the same figures on the same notes). The promoter / detractor buckets
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
