{% macro nb_groupe_nps(note, groupe) -%}
    {#- A count, so 0 (not null) without any such note, and a bigint on every engine. The
        expression stays short: the NPS and its margin repeat it several times. -#}
    count(case when {{ condition_groupe_nps(note, groupe) }} then 1 end)
{%- endmacro %}
