{% macro essai_conversion(expression, type_cible) -%}
    {#- The value cast to `type_cible`, or null when it does not convert. -#}
    try_cast({{ expression }} as {{ type_cible }})
{%- endmacro %}
