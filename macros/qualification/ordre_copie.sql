{% macro ordre_copie(priorite_export, numero_ligne) -%}
    {#- Copies of a key in keeping order: export priority, then line (below 10^12 lines). -#}
    cast({{ priorite_export }} as bigint) * 1000000000000 + {{ numero_ligne }}
{%- endmacro %}
