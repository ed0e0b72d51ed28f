{% macro z_normal(niveau) -%}
    {#-
        Two-sided quantile of the standard normal for a confidence level: '95' → 1.96
        (the project's 95 % margins and funnel limits), '99.8' → 3.09 (the funnel's alarm limits,
        Spiegelhalter 2005). A compilation error names any other level.
    -#}
    {%- set quantiles = {'95': '1.96', '99.8': '3.09'} -%}
    {%- if niveau | string not in quantiles -%}
        {{ exceptions.raise_compiler_error("unknown confidence level: " ~ niveau) }}
    {%- endif -%}
    {{ quantiles[niveau | string] }}
{%- endmacro %}
