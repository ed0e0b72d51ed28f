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

{% macro motif_registre() -%}
    {#- The reason given to a raw line the GDPR register excludes (status `écartée`). -#}
    'écartée par le registre RGPD (effacement ou rétention)'
{%- endmacro %}

{% macro ecarter_lignes_effacees(relation, colonnes) -%}
    {#-
        The typed lines of a reference export (`relation`: a staging query with `contenu_brut`,
        `anomalie` and `colonnes`), where a malformed line whose raw key is an erased feedback's
        (a feedback line sent in the wrong export) keeps only its place (file, line) and the
        register's reason: nothing of its content is stored, and the reconciliation counts it.
        A valid reference line is never touched, whatever its key.
    -#}
    select
        fichier_source,
        numero_ligne,
        case when not est_ecartee then contenu_brut end as contenu_brut,
        {%- for colonne in colonnes %}
        case when not est_ecartee then {{ colonne }} end as {{ colonne }},
        {%- endfor %}
        case when est_ecartee then {{ motif_registre() }} else anomalie end as anomalie
    from (
        select
            *,
            coalesce(anomalie is not null and {{ est_ecartee_par_registre(
                cle_ligne_brute('contenu_brut'), 'cast(null as date)') }}, false) as est_ecartee
        from {{ relation }}
    ) as lignes
{%- endmacro %}
