{% macro liberer_lignes_csv(nom) -%}
    {#-
        Post-hook of every CSV reader (written once, in `lecture_lignes_csv`): drops the
        numbered lines of `preparer_lignes_csv`.
    -#}
    {{ return(adapter.dispatch('liberer_lignes_csv', 'retailinsight360')(nom)) }}
{%- endmacro %}

{% macro default__liberer_lignes_csv(nom) -%}
    drop table if exists lignes_csv_{{ nom }}
{%- endmacro %}

{% macro spark__liberer_lignes_csv(nom) -%}
    drop view if exists lignes_csv_{{ nom }}
{%- endmacro %}
