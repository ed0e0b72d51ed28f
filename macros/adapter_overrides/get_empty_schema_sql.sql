{% macro spark__get_empty_schema_sql(columns) -%}
    {#-
        Contracts on Spark: the marts declare DuckDB's type names; the one that Spark spells
        otherwise is translated (`varchar` is Spark's `string`), then dbt's own check compares
        them with the model's.
    -#}
    {%- set types_spark = {'varchar': 'string'} -%}
    {%- set colonnes = {} -%}
    {%- for nom in columns -%}
        {%- set colonne = dict(columns[nom]) -%}
        {%- if colonne.get('data_type') -%}
            {%- set type_declare = colonne['data_type'] | trim | lower -%}
            {%- do colonne.update({'data_type': types_spark.get(type_declare, type_declare)}) -%}
        {%- endif -%}
        {%- do colonnes.update({nom: colonne}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(colonnes)) }}
{%- endmacro %}
