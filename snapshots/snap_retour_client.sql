{% snapshot snap_retour_client %}
{#-
    The fact's history (type 2; properties and configuration in _snapshots.yml). dbt's snapshot
    compares every row it is given with the history's current version. A complete export
    (var `exports_complets`, the default) gives it the whole fact, since a feedback missing
    from the export must be closed (`hard_deletes: invalidate`). A daily increment
    (`exports_complets: false`) changes only the feedbacks it holds, and absence closes
    nothing (`hard_deletes: ignore`): it gives only the fact's rows whose key today's export
    kept, so that a night compares 10,000 rows instead of every feedback ever loaded (12 s at
    10 million). The refresh runs the fact and its snapshot in the same build and swaps both
    in together, so every change to the fact is seen here in that build: with daily
    increments, a command that changes the fact must run this snapshot too (`dbt build` does;
    a bare `dbt run` of the fact would leave its changes out of the history). The first run
    of the history (no table yet) is given the whole fact, whatever the exports. A feedback
    the complete exports no longer hold (deleted at the source, an erasure made in the CRM)
    leaves the history too, every version of it (post-hook, macros/incremental/retirer_de_l_historique_les_absents.sql).
-#}
{{
    config(
        group='equipe_data',
        schema='historique',
        unique_key='cle_retour_client',
        strategy='check',
        check_cols=['empreinte_contenu'],
        hard_deletes='invalidate' if var('exports_complets', true) else 'ignore',
        post_hook="{{ retirer_de_l_historique_les_absents() }}",
    )
}}

-- depends_on: {{ ref('int_retour_client_qualifie') }}
{#- When a row was loaded is the fact's business, not the feedback's history. #}
select * exclude (lot_chargement) from {{ ref('fct_retour_client') }}
{%- if not var('exports_complets', true) and load_relation(this) is not none %}
where cle_retour_client in (
    select cle_retour_client from {{ ref('int_retour_client_qualifie') }}
    where statut = 'retenue'
)
{%- endif %}
{% endsnapshot %}
