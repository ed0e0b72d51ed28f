{% macro texte_nombre(expression, decimales=1) -%}
    {#-
        A number as French text for an alert's message: rounded to `decimales` places (display
        only, after every comparison), decimal comma; 0 places gives an integer. Null stays null.
    -#}
    {%- if decimales == 0 -%}
        cast(cast(round({{ expression }}, 0) as bigint) as {{ dbt.type_string() }})
    {%- else -%}
        replace(
            cast(round({{ expression }}, {{ decimales }}) as {{ dbt.type_string() }}), '.', ','
        )
    {%- endif -%}
{%- endmacro %}
