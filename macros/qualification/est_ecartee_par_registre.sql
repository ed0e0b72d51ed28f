{% macro est_ecartee_par_registre(cle, date_achat) -%}
    {#-
        True for a feedback the GDPR register says must never be loaded again: its key was
        erased (keyed hash in the register) or it was bought before a retention limit a purge
        applied. The register is read by the plugin into DuckDB variables; other engines do
        not apply it (the GDPR commands work on the DuckDB warehouse).
    -#}
    {{ return(adapter.dispatch('est_ecartee_par_registre', 'retailinsight360')(cle, date_achat)) }}
{%- endmacro %}

{% macro default__est_ecartee_par_registre(cle, date_achat) -%}
    false
{%- endmacro %}

{% macro duckdb__est_ecartee_par_registre(cle, date_achat) -%}
    (
        coalesce({{ date_achat }} < getvariable('bestmarket_retention_limite'), false)
        or case
            when getvariable('bestmarket_sel_registre') <> ''
                then coalesce(list_contains(
                    getvariable('bestmarket_registre_cles'),
                    sha256(getvariable('bestmarket_sel_registre') || ':'
                        || cast({{ cle }} as varchar))
                ), false)
            else false
        end
    )
{%- endmacro %}
