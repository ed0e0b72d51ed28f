{% macro groupe_nps(note) -%}
    case
        when {{ condition_groupe_nps(note, 'promoteur') }} then 'promoteur'
        when {{ condition_groupe_nps(note, 'passif') }} then 'passif'
        when {{ condition_groupe_nps(note, 'détracteur') }} then 'détracteur'
    end
{%- endmacro %}
