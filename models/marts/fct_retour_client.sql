{{
    config(
        materialized=materialisation_incrementale(),
        incremental_strategy='merge',
        unique_key='cle_retour_client',
        on_schema_change='fail',
        post_hook="{{ retirer_absents_des_exports(ref('int_retour_client_qualifie')) }}",
    )
}}

{#-
    Incremental and idempotent: each refresh merges on cle_retour_client only the feedbacks
    that are new or whose content changed (compared through `empreinte_contenu`), so a second
    run on the same exports changes nothing, a new export adds its new rows, a changed row is
    updated (its previous version stays in the snapshot `snap_retour_client`), and a late
    purchase is picked up whatever its date. When the exports are complete (var
    `exports_complets`, the default), a feedback they no longer hold is removed by the
    post-hook (macros/incremental/retirer_absents_des_exports.sql). `dbt build --full-refresh` rebuilds from the
    current exports. `lot_chargement` (the start of the run that wrote a row's current version)
    tells the nightly's data tests which rows the night wrote; it is the one column that
    differs from a full rebuild's, by nature, and it stays out of the history.
-#}

with

retours_retenus as (
    select
        cle_retour_client,
        note,
        cle_produit,
        ref_magasin,
        date_achat,
        libelle_source,
        libelle_categorie,
        recommandation
    from {{ ref('int_retour_client_qualifie') }}
    where statut = 'retenue'
),

typees as (
    select
        cast(cle_retour_client as bigint) as cle_retour_client,
        cast(note as integer) as note,
        cast(cle_produit as bigint) as cle_produit,
        cast(ref_magasin as bigint) as ref_magasin,
        cast(date_achat as date) as date_achat,
        cast(libelle_source as {{ dbt.type_string() }}) as libelle_source,
        cast(libelle_categorie as {{ dbt.type_string() }}) as libelle_categorie,
        cast(recommandation as boolean) as recommandation
    from retours_retenus
),

final as (
    select
        *,
        cast({{ groupe_nps('note') }} as {{ dbt.type_string() }}) as groupe_nps,
        cast({{ empreinte_rapide([
            'note', 'cle_produit', 'ref_magasin', 'date_achat', 'libelle_source',
            'libelle_categorie', 'recommandation'
        ]) }} as bigint) as empreinte_contenu,
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }}
        ) as lot_chargement
    from typees
),

nouveaux_ou_modifies as (
    select final.*
    from final
    {%- if is_incremental() %}
    left join {{ this }} as existants
        on final.cle_retour_client = existants.cle_retour_client
    where
        existants.cle_retour_client is null
        or existants.empreinte_contenu <> final.empreinte_contenu
    {%- endif %}
)

select * from nouveaux_ou_modifies
