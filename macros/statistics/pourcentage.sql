{% macro pourcentage(numerateur, denominateur) -%}
    {#- numerateur / denominateur in 0–100, as a double; null when the denominator is 0. -#}
    cast({{ numerateur }} as double) * 100 / nullif({{ denominateur }}, 0)
{%- endmacro %}
