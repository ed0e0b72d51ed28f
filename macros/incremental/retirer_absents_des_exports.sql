{% macro retirer_absents_des_exports(relation_qualifiee) %}
    {#-
        Post-hook of fct_retour_client. When the exports are complete snapshots (the default,
        var `exports_complets`), they are the truth: a feedback that no raw line holds any
        more (deleted in the CRM, for instance after an erasure request made there) leaves the
        fact at this refresh, and every version of it leaves the history (the snapshot's
        post-hook `retirer_de_l_historique_les_absents`), and the run log says how many. A feedback whose line is now malformed
        is still in the export: it stays, in its last good version, and its line goes to
        quarantine. With daily increments (`exports_complets: false`), nothing is removed.
    -#}
    {%- if execute and is_incremental() and var('exports_complets', true) -%}
        {%- set absents -%}
            select count(*) from {{ this }}
            where cle_retour_client not in (
                select cle_retour_client from {{ relation_qualifiee }}
                where cle_retour_client is not null
            )
        {%- endset -%}
        {%- set nombre = run_query(absents).columns[0].values()[0] -%}
        {%- if nombre > 0 -%}
            {{ log("WARNING: " ~ nombre ~ " feedback(s) no longer in the complete exports: "
                   ~ "removed from fct_retour_client and from its history", info=True) }}
        {%- endif -%}
        delete from {{ this }}
        where cle_retour_client not in (
            select cle_retour_client from {{ relation_qualifiee }}
            where cle_retour_client is not null
        )
    {%- else -%}
        select 1 as rien_a_retirer
    {%- endif -%}
{% endmacro %}
