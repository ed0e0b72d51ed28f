{% macro effet_mix(part_avant, part_apres, nps_avant, nps_apres) -%}
    {#-
        A part's mix effect in a change of NPS (Kitagawa 1955): the change of its share of the
        responses (0–1) times its NPS averaged over both periods, in points. With
        `effet_performance`, Δ(w × r) = Δw × r̄ + w̄ × Δr exactly, so the parts' effects add up
        to the change of the whole.
    -#}
    (({{ part_apres }}) - ({{ part_avant }})) * (({{ nps_avant }}) + ({{ nps_apres }})) / 2
{%- endmacro %}
