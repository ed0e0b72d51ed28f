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

{% macro cle_ligne_brute(contenu_brut) -%}
    {#-
        The feedback key of a raw line as a number, whatever its layout: the first non-empty
        field (separators `;`, `,`, tab, `|`), quotes and spaces stripped, leading zeros and a
        zero decimal part (`900001.0`) ignored; null when it is not such a number. The GDPR
        commands read raw lines with the same rule (retailinsight/rgpd.py, `CLE_BRUTE`).
    -#}
    {{ return(adapter.dispatch('cle_ligne_brute', 'retailinsight360')(contenu_brut)) }}
{%- endmacro %}

{% macro default__cle_ligne_brute(contenu_brut) -%}
    cast(null as bigint)
{%- endmacro %}

{% macro duckdb__cle_ligne_brute(contenu_brut) -%}
    try_cast(nullif(regexp_extract(
        regexp_replace(list_filter(
            string_split_regex({{ contenu_brut }}, '[;,\t|]'),
            champ -> regexp_replace(champ, '^[\s"'']+|[\s"'']+$', '', 'g') <> ''
        )[1], '^[\s"'']+|[\s"'']+$', '', 'g'),
        '^0*([0-9]+)(\.0*)?$', 1
    ), '') as hugeint)
{%- endmacro %}
