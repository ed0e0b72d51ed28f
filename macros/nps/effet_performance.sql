{% macro effet_performance(part_avant, part_apres, nps_avant, nps_apres) -%}
    {#-
        A part's performance effect in a change of NPS (Kitagawa 1955): the change of its NPS
        times its share of the responses (0–1) averaged over both periods, in points. The
        other half of the change, beside `effet_mix`.
    -#}
    (({{ nps_apres }}) - ({{ nps_avant }})) * (({{ part_avant }}) + ({{ part_apres }})) / 2
{%- endmacro %}
