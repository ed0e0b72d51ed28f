{% macro condition_de_la_nuit(relation, portee) -%}
    {#-
        The rows of `relation` (the fact) a data test looks at in the nightly's build (var
        `tests_de_la_nuit`), where a test of the whole table would add nothing:
        - `lignes_de_la_nuit`: the rows the last load wrote (`lot_chargement`, the start of the
          dbt run that wrote the row's current version, is the latest): a check of one row at
          a time (not null, a range, a list of values) cannot change for a row nobody wrote;
        - `cles_de_la_nuit`: every row, old or new, whose key the last load wrote, for the
          key's `unique` test: a new row that repeated an old row's key (a merge that did not
          replace it) is caught beside the old one, while keys nobody wrote stay unique as
          the previous night's build proved (a failing test keeps the previous warehouse).
        Outside the nightly (`make test`, CI, a plain build): `true`, every row.
    -#}
    {%- if not var('tests_de_la_nuit', false) -%}
        true
    {%- elif portee == 'lignes_de_la_nuit' -%}
        lot_chargement = (select max(lot_chargement) from {{ relation }})
    {%- elif portee == 'cles_de_la_nuit' -%}
        cle_retour_client in (
            select cle_retour_client from {{ relation }}
            where lot_chargement = (select max(lot_chargement) from {{ relation }})
        )
    {%- else -%}
        {{ exceptions.raise_compiler_error("condition_de_la_nuit: unknown scope " ~ portee) }}
    {%- endif -%}
{%- endmacro %}
