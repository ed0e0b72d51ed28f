{% macro z_ecart(ecart, variance_1, variance_2) -%}
    {#-
        z-value of a gap between two independent estimates: the gap over the square root of the
        sum of their variances (for two NPS, V₁ / n₁ + V₂ / n₂ in points²). Null when both
        variances are 0 or unknown.
    -#}
    ({{ ecart }}) / nullif(sqrt(({{ variance_1 }}) + ({{ variance_2 }})), 0)
{%- endmacro %}
