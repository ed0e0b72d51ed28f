{% macro textes_bruts(nb_champs) -%}
    {%- for i in range(1, nb_champs + 1) %}
    {{ texte_brut('champ_' ~ i) }} as texte_{{ i }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
