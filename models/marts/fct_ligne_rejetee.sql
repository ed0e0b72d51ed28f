{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
    )
}}

{#-
    Quarantine log: every raw row ever rejected, kept across refreshes. A refresh appends only
    the rejected rows it has not logged yet (same file, line and raw content), so running it
    twice on the same exports adds nothing.
-#}

with

int_ligne_rejetee as (
    select
        cle_rejet,
        table_cible,
        fichier_source,
        numero_ligne,
        contenu_brut,
        cle,
        motif_rejet
    from {{ ref('int_ligne_rejetee') }}
),

final as (
    select
        cle_rejet,
        table_cible,
        fichier_source,
        numero_ligne,
        contenu_brut,
        cle,
        motif_rejet,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
            as date_chargement
    from int_ligne_rejetee
)

select * from final
{% if is_incremental() %}
    where cle_rejet not in (select existants.cle_rejet from {{ this }} as existants)
{% endif %}
