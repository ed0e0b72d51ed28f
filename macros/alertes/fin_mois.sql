{% macro fin_mois(mois) -%}
    {#- The last day of the month that starts on the date `mois` (its first day). -#}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, mois)) }} as date)
{%- endmacro %}
