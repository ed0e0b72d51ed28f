{% snapshot snap_retour_client %}
{#-
    The fact's history (type 2; properties and configuration in _snapshots.yml). dbt's snapshot
    compares every row it is given with the history's current version, so it is given only
    the fact's rows of the latest load (`lot_chargement`): the rows the night wrote, new or
    changed, instead of every feedback ever loaded. A row the night did not write has not
    changed, and absence from this input
    closes nothing (`hard_deletes: ignore`): a feedback the complete exports no longer hold
    (var `exports_complets`, the default: deleted at the source, an erasure made in the CRM)
    leaves the fact, then the history, every version of it (post-hook,
    macros/incremental/retirer_de_l_historique_les_absents.sql), as before. The refresh runs
    the fact and its snapshot in the same build and swaps both in together, so every change to
    the fact is seen here in that build: a command that changes the fact must run this
    snapshot too (`dbt build` does; a bare `dbt run` of the fact would leave its changes out
    of the history). The first run of the history (no table yet) is given the whole fact.
-#}
{{
    config(
        group='equipe_data',
        schema='historique',
        unique_key='cle_retour_client',
        strategy='check',
        check_cols=['empreinte_contenu'],
        hard_deletes='ignore',
        post_hook="{{ retirer_de_l_historique_les_absents() }}",
    )
}}

{#- When a row was loaded is the fact's business, not the feedback's history. #}
select * exclude (lot_chargement) from {{ ref('fct_retour_client') }}
{%- if load_relation(this) is not none %}
where lot_chargement = (select max(lot_chargement) from {{ ref('fct_retour_client') }})
{%- endif %}
{% endsnapshot %}
