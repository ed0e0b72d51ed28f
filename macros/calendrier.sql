{#- Calendar parts that differ between engines, behind adapter.dispatch (DuckDB, Spark). -#}

{% macro jour_semaine_iso(date_expression) -%}
    {{ return(adapter.dispatch('jour_semaine_iso', 'retailinsight360')(date_expression)) }}
{%- endmacro %}

{% macro default__jour_semaine_iso(date_expression) -%}
    extract(isodow from {{ date_expression }})
{%- endmacro %}

{% macro spark__jour_semaine_iso(date_expression) -%}
    ((dayofweek({{ date_expression }}) + 5) % 7 + 1)
{%- endmacro %}

{% macro debut_mois(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}
