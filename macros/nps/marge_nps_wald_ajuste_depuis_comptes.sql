{% macro marge_nps_wald_ajuste_depuis_comptes(nb_promoteurs, nb_detracteurs, nb_reponses) -%}
    {#-
        95 % margin of the adjusted Wald interval of an NPS (Rocks 2016), in points: the plain
        margin 1.96 × √(V / n) computed on the counts with ¾ added to the promoters and to the
        detractors and 3 to the responses. Chosen over the plain Wald margin by simulation
        (docs/statistiques.md): it keeps its 95 % coverage down to 30 responses.
    -#}
    {%- set p = '(' ~ nb_promoteurs ~ ') + 0.75' -%}
    {%- set d = '(' ~ nb_detracteurs ~ ') + 0.75' -%}
    {%- set n = '(' ~ nb_reponses ~ ') + 3' -%}
    {{ z_normal('95') }} * sqrt(
        ({{ variance_nps_depuis_comptes(p, d, n) }}) / ({{ n }})
    )
{%- endmacro %}
