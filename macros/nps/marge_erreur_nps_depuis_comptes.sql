{% macro marge_erreur_nps_depuis_comptes(nb_promoteurs, nb_detracteurs, nb_reponses) -%}
    {#-
        The 95 % margin of an NPS from counts: the one place of the formula. `marge_erreur_nps`
        calls it with the counts of the notes; the store models with counts already summed.
    -#}
    {%- set p = 'cast(' ~ nb_promoteurs ~ ' as double) / nullif(' ~ nb_reponses ~ ', 0)' -%}
    {%- set d = 'cast(' ~ nb_detracteurs ~ ' as double) / nullif(' ~ nb_reponses ~ ', 0)' -%}
    1.96 * 100 * sqrt(
        (({{ p }}) + ({{ d }}) - (({{ p }}) - ({{ d }})) * (({{ p }}) - ({{ d }})))
        / nullif({{ nb_reponses }}, 0)
    )
{%- endmacro %}
