{% macro texte_nombre(expression, decimales=1) -%}
    {#-
        A number as French text for an alert's message: rounded to `decimales` places (display
        only, after every comparison), decimal comma. Null stays null.
    -#}
    replace(cast(round({{ expression }}, {{ decimales }}) as {{ dbt.type_string() }}), '.', ',')
{%- endmacro %}
