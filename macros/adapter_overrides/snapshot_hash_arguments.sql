{% macro duckdb__snapshot_hash_arguments(args) -%}
    {#-
        `dbt_scd_id` of a snapshot row on DuckDB: the engine's native 64-bit row hash of the
        key and the version's start, written as text, instead of dbt's default md5 of their
        concatenation, which costs most of a 10-million-row snapshot's first run.
    -#}
    cast(hash({%- for arg in args -%}
        coalesce(cast({{ arg }} as varchar), ''){% if not loop.last %}, {% endif %}
    {%- endfor -%}) as varchar)
{%- endmacro %}
