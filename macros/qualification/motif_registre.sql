{% macro motif_registre() -%}
    {#- The reason given to a raw line the GDPR register excludes (status `écartée`). -#}
    'écartée par le registre RGPD (effacement ou rétention)'
{%- endmacro %}
