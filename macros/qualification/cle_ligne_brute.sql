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
