{% macro correspond(expression, motif) -%}
    {#- True when the whole of `expression` matches the regular expression `motif`. -#}
    {{ return(adapter.dispatch('correspond', 'retailinsight360')(expression, motif)) }}
{%- endmacro %}

{% macro default__correspond(expression, motif) -%}
    ({{ expression }} rlike '^(?:{{ motif }})$')
{%- endmacro %}

{% macro duckdb__correspond(expression, motif) -%}
    regexp_full_match({{ expression }}, '{{ motif }}')
{%- endmacro %}

{% macro spark__correspond(expression, motif) -%}
    {#- Spark's string literals read `\\` as an escape: the pattern's backslashes doubled. -#}
    ({{ expression }} rlike '^(?:{{ motif | replace('\\', '\\\\') }})$')
{%- endmacro %}
