{% macro marge_erreur_part_depuis_comptes(nb, nb_reponses) -%}
    {#- 95 % margin of a share in points (0–100): 1.96 × 100 × √(p (1 − p) / n). -#}
    {%- set p = 'cast(' ~ nb ~ ' as double) / nullif(' ~ nb_reponses ~ ', 0)' -%}
    1.96 * 100 * sqrt(({{ p }}) * (1 - ({{ p }})) / nullif({{ nb_reponses }}, 0))
{%- endmacro %}
