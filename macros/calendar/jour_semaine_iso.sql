{% macro jour_semaine_iso(date_expression) -%}
    {{ return(adapter.dispatch('jour_semaine_iso', 'retailinsight360')(date_expression)) }}
{%- endmacro %}

{% macro default__jour_semaine_iso(date_expression) -%}
    extract(isodow from {{ date_expression }})
{%- endmacro %}

{% macro spark__jour_semaine_iso(date_expression) -%}
    ((dayofweek({{ date_expression }}) + 5) % 7 + 1)
{%- endmacro %}
