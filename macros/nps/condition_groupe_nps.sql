{% macro condition_groupe_nps(note, groupe) -%}
    {#- The bounds of the three groups, written once; true when the note is in `groupe`. -#}
    {%- if groupe == 'promoteur' -%}
        {{ note }} >= 9
    {%- elif groupe == 'passif' -%}
        {{ note }} >= 7 and {{ note }} < 9
    {%- elif groupe == 'détracteur' -%}
        {{ note }} >= 0 and {{ note }} < 7
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown NPS group: " ~ groupe) }}
    {%- endif -%}
{%- endmacro %}
