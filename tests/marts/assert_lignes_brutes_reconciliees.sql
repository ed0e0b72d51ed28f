-- Nothing is silently dropped: for every raw file, raw rows = kept + merged duplicates +
-- rejected, and the kept feedback rows are exactly the rows of fct_retour_client.
with

rapprochement as (
    select
        fichier_source,
        nb_lignes_brutes,
        nb_lignes_retenues,
        nb_doublons_fusionnes,
        nb_lignes_rejetees
    from {{ ref('rapprochement_lignes_brutes') }}
),

fct_retour_client as (
    select count(*) as nb_retours from {{ ref('fct_retour_client') }}
),

fct_ligne_rejetee as (
    select
        fichier_source,
        count(*) as nb_rejets
    from {{ ref('fct_ligne_rejetee') }}
    group by fichier_source
),

ecarts_par_fichier as (
    select
        rapprochement.fichier_source,
        'brutes <> retenues + doublons + rejetées' as ecart
    from rapprochement
    where rapprochement.nb_lignes_brutes
        <> rapprochement.nb_lignes_retenues
        + rapprochement.nb_doublons_fusionnes
        + rapprochement.nb_lignes_rejetees
),

ecarts_quarantaine as (
    select
        rapprochement.fichier_source,
        'rejetées <> lignes en quarantaine' as ecart
    from rapprochement
    left join fct_ligne_rejetee
        on rapprochement.fichier_source = fct_ligne_rejetee.fichier_source
    where rapprochement.nb_lignes_rejetees <> coalesce(fct_ligne_rejetee.nb_rejets, 0)
),

ecarts_fait as (
    select
        'retour_client' as fichier_source,
        'retenues <> lignes de fct_retour_client' as ecart
    from fct_retour_client
    where fct_retour_client.nb_retours <> (
            select coalesce(sum(rapprochement.nb_lignes_retenues), 0)
            from rapprochement
            where rapprochement.fichier_source in (
                    'retour_client.csv', 'Satisfaction.db:retour_client'
                )
        )
),

ecarts as (
    select * from ecarts_par_fichier
    union all
    select * from ecarts_quarantaine
    union all
    select * from ecarts_fait
)

select * from ecarts
