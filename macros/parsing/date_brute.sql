{% macro date_brute(texte) -%}
    {#- ISO date only; an impossible day (2021-02-30) is null, never rolled over. -#}
    case
        when {{ correspond(texte, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then {{ date_iso_ou_nulle(texte) }}
    end
{%- endmacro %}
