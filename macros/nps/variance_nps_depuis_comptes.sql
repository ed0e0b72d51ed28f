{% macro variance_nps_depuis_comptes(nb_promoteurs, nb_detracteurs, nb_reponses) -%}
    {#-
        Variance of one response's score (+100 promoter, 0 passive, −100 detractor), in
        points²: 100² × (p + d − (p − d)²), p and d the promoter and detractor shares (0–1).
        The variance of an NPS on n responses is this / n. Null without responses.
    -#}
    {%- set p = 'cast(' ~ nb_promoteurs ~ ' as double) / nullif(' ~ nb_reponses ~ ', 0)' -%}
    {%- set d = 'cast(' ~ nb_detracteurs ~ ' as double) / nullif(' ~ nb_reponses ~ ', 0)' -%}
    10000 * (({{ p }}) + ({{ d }}) - (({{ p }}) - ({{ d }})) * (({{ p }}) - ({{ d }})))
{%- endmacro %}
