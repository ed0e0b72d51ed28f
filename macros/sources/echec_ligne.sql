{% macro echec_ligne(message) -%}
    {#-
        A SQL expression that stops the query with `message` (a SQL text expression) when it is
        evaluated: for a raw line that must not be kept nor set aside, put in the branch of a
        `case` that only such a line takes.
    -#}
    {{ return(adapter.dispatch('echec_ligne', 'retailinsight360')(message)) }}
{%- endmacro %}

{% macro default__echec_ligne(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro spark__echec_ligne(message) -%}
    raise_error({{ message }})
{%- endmacro %}
