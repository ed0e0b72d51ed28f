{% macro nps_wald_ajuste_depuis_comptes(nb_promoteurs, nb_detracteurs, nb_reponses) -%}
    {#-
        Centre of the adjusted Wald interval of an NPS (Rocks 2016), in points: the NPS of the
        counts with ¾ added to the promoters and to the detractors and 3 to the responses.
    -#}
    {{ nps_depuis_comptes(
        '(' ~ nb_promoteurs ~ ') + 0.75', '(' ~ nb_detracteurs ~ ') + 0.75',
        '(' ~ nb_reponses ~ ') + 3'
    ) }}
{%- endmacro %}
