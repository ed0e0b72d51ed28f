{% macro materialisation_incrementale() -%}
    {#-
        The materialization of an incremental model merged on its key (`fct_retour_client`):
        `incremental` where the engine can merge, else `table`, rebuilt in full at every
        refresh, which gives the same rows.
    -#}
    {{ return(adapter.dispatch('materialisation_incrementale', 'retailinsight360')()) }}
{%- endmacro %}

{% macro default__materialisation_incrementale() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__materialisation_incrementale() -%}
    {#- On Spark, `merge` needs Delta Lake or Iceberg (not installable offline here). -#}
    {{ return('table') }}
{%- endmacro %}
