{% macro empreinte_rapide(colonnes) -%}
    {#-
        Compact, null-safe fingerprint of a row's content, to tell identical copies from
        different ones: a `bigint` from the engine's native row hash (DuckDB's `hash`, 63 of
        its 64 bits; Spark's `xxhash64`).
    -#}
    {{ return(adapter.dispatch('empreinte_rapide', 'retailinsight360')(colonnes)) }}
{%- endmacro %}

{% macro default__empreinte_rapide(colonnes) -%}
    xxhash64({{ colonnes | join(', ') }})
{%- endmacro %}

{% macro duckdb__empreinte_rapide(colonnes) -%}
    cast(hash({{ colonnes | join(', ') }}) >> 1 as bigint)
{%- endmacro %}
