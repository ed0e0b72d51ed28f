{% macro decimal_brut(texte) -%}
    case
        when {{ correspond(texte, '-?[0-9]+(\\.[0-9]+)?') }}
            then cast({{ texte }} as double)
    end
{%- endmacro %}
