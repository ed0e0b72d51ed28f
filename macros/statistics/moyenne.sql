{% macro moyenne(expression) -%}
    {#- Average as a double, never rounded (round only for display). -#}
    avg(cast({{ expression }} as double))
{%- endmacro %}
