{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Layer schemas keep their plain names (staging, intermediate, marts, reference). -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
