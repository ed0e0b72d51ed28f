{% macro date_iso_ou_nulle(texte) -%}
    {{ return(adapter.dispatch('date_iso_ou_nulle', 'retailinsight360')(texte)) }}
{%- endmacro %}

{% macro default__date_iso_ou_nulle(texte) -%}
    to_date({{ texte }}, 'yyyy-MM-dd')
{%- endmacro %}

{% macro duckdb__date_iso_ou_nulle(texte) -%}
    cast(try_strptime({{ texte }}, '%Y-%m-%d') as date)
{%- endmacro %}

{% macro spark__date_iso_ou_nulle(texte) -%}
    {#- Spark's ANSI mode makes to_date fail on an impossible day: try_to_date gives null. -#}
    try_to_date({{ texte }}, 'yyyy-MM-dd')
{%- endmacro %}
