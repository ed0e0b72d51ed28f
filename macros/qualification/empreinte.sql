{% macro empreinte(colonnes) -%}
    {#- Content fingerprint of a row: hash of its columns, null-safe, cross-database. -#}
    {%- set parties = [] -%}
    {%- for colonne in colonnes -%}
        {%- do parties.append(
            "coalesce(cast(" ~ colonne ~ " as " ~ dbt.type_string() ~ "), '<inconnu>')") -%}
        {%- if not loop.last -%}
            {%- do parties.append("'|'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parties)) }}
{%- endmacro %}
