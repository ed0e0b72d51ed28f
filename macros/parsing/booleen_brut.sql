{% macro booleen_brut(texte) -%}
    {#- '1' -> true, '0' -> false, empty -> null (unknown, never "no"). -#}
    case {{ texte }}
        when '1' then true
        when '0' then false
    end
{%- endmacro %}
