{% macro get_where_subquery(relation) -%}
    {#-
        The `where` of a data test, overriding dbt's (as dbt's documentation does for
        placeholders resolved at run time): `__lignes_de_la_nuit__` and `__cles_de_la_nuit__`
        stand for `condition_de_la_nuit` on the tested relation, so that the nightly's build
        (var `tests_de_la_nuit`) checks only what it wrote; the rest is dbt's own.
    -#}
    {%- set where = (config.get('where') or '')
        | replace('__lignes_de_la_nuit__', condition_de_la_nuit(relation, 'lignes_de_la_nuit'))
        | replace('__cles_de_la_nuit__', condition_de_la_nuit(relation, 'cles_de_la_nuit')) -%}
    {%- if where -%}
        {%- set filtree -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtree) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
