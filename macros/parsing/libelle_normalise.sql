{% macro libelle_normalise(expression) -%}
    {#- One canonical spelling: lower case, single spaces, no edge spaces; accents kept. -#}
    {{ return(adapter.dispatch('libelle_normalise', 'retailinsight360')(expression)) }}
{%- endmacro %}

{% macro default__libelle_normalise(expression) -%}
    nullif(lower(trim(regexp_replace({{ expression }}, '\s+', ' ', 'g'))), '')
{%- endmacro %}

{% macro spark__libelle_normalise(expression) -%}
    {#-
        Spark's regexp_replace replaces every match (no flag argument) and its string literals
        read backslash escapes: white space spelled out as RE2's `\s` (space, tab, line feed,
        form feed, carriage return).
    -#}
    nullif(lower(trim(regexp_replace({{ expression }}, '[ \\t\\n\\f\\r]+', ' '))), '')
{%- endmacro %}
