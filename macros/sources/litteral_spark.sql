{% macro litteral_spark(texte) -%}
    {#- `texte` as a Spark SQL string literal: backslash and quote escaped, never pasted bare. -#}
    '{{ texte | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}
