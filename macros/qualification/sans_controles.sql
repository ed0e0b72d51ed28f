{% macro sans_controles(texte) -%}
    {#- `texte` with its control characters shown as `?`: a label never drives the terminal. -#}
    {{ return(modules.re.sub('[\\x00-\\x1f\\x7f-\\x9f]', '?', texte | string)) }}
{%- endmacro %}
