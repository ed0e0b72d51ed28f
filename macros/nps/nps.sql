{#-
    Net Promoter Score: the one definition of the project. Promoters give 9–10, passives 7–8,
    detractors 0–6. NPS = (promoters − detractors) / responses × 100, in points from −100 to
    +100, as a double (never integer division); null when there is no response.
-#}

{% macro nps(note) -%}
    {{ nps_depuis_comptes(
        nb_groupe_nps(note, 'promoteur'), nb_groupe_nps(note, 'détracteur'),
        'count(' ~ note ~ ')'
    ) }}
{%- endmacro %}
