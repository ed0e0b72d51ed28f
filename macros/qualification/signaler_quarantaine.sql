{% macro signaler_quarantaine(results) -%}
    {#-
        on-run-end hook: after a run that built the quarantine, prints how many raw rows were
        set aside and why, and every source or category label not in the reference list, so
        that a build never sets rows aside or meets a new label silently.
    -#}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set noeuds = results | map(attribute='node') | map(attribute='name') | list -%}
    {#- Relations by name: a hook may not ref() models. -#}
    {%- set rejets_relation = adapter.get_relation(
        database=target.database, schema='intermediate', identifier='int_ligne_rejetee') -%}
    {%- set fait = adapter.get_relation(
        database=target.database, schema='marts', identifier='fct_retour_client') -%}
    {%- set reference = adapter.get_relation(
        database=target.database, schema='reference', identifier='libelles_reference') -%}
    {%- if 'int_ligne_rejetee' in noeuds and rejets_relation is not none -%}
        {%- set rejets = run_query(
            "select table_cible, " ~ dbt.split_part('motif_rejet', "':'", 1)
            ~ " as motif, count(*) as nb from " ~ rejets_relation
            ~ " group by 1, 2 order by 3 desc, 1, 2") -%}
        {%- set total = rejets.columns[2].values() | sum -%}
        {%- if total > 0 -%}
            {{ log("WARNING: " ~ total ~ " raw row(s) set aside in quarantine "
                ~ "(marts.fct_ligne_rejetee):", info=true) }}
            {%- for ligne in rejets.rows %}
                {{ log("  " ~ ligne[0] ~ ": " ~ ligne[2] ~ " × " ~ sans_controles(ligne[1]), info=true) }}
            {%- endfor %}
        {%- endif -%}
    {%- endif -%}
    {%- if 'fct_retour_client' in noeuds and fait is not none and reference is not none -%}
        {%- set nouveaux = run_query(
            "select domaine, libelle, count(*) from ("
            ~ " select 'source' as domaine, libelle_source as libelle from "
            ~ fait
            ~ " union all select 'categorie', libelle_categorie from "
            ~ fait ~ ") as libelles"
            ~ " where not exists (select 1 from " ~ reference ~ " as ref"
            ~ " where ref.domaine = libelles.domaine and ref.libelle = libelles.libelle)"
            ~ " group by 1, 2 order by 1, 2") -%}
        {%- for ligne in nouveaux.rows %}
            {{ log("WARNING: new " ~ ligne[0] ~ " label '" ~ sans_controles(ligne[1]) ~ "' (" ~ ligne[2]
                ~ " feedback(s)): kept and answered under its own name; add it to "
                ~ "seeds/libelles_reference.csv once reviewed", info=true) }}
        {%- endfor %}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
