{% macro retirer_de_l_historique_les_absents() %}
    {#-
        Post-hook of the snapshot snap_retour_client. With complete exports, a feedback no
        longer in the fact (deleted at the source) leaves the history too: a deletion at the
        source is often an erasure made in the CRM, and a closed version would keep the whole
        row. With daily increments (absence means nothing), nothing. No engine test: Spark has
        no snapshot (disabled in dbt_project.yml), so this hook never runs there.
    -#}
    {%- if var('exports_complets', true) -%}
        delete from {{ this }}
        where cle_retour_client not in (
            select cle_retour_client from {{ ref('fct_retour_client') }}
        )
    {%- else -%}
        select 1 as rien_a_retirer
    {%- endif -%}
{% endmacro %}
