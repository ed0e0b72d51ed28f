{% macro entier_brut(texte) -%}
    case
        when {{ correspond(texte, '-?[0-9]{1,18}') }}
            then cast({{ texte }} as bigint)
    end
{%- endmacro %}
