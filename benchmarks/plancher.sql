-- Floor benchmark ("plancher"): the whole job of the dbt project in one plain DuckDB script,
-- with no dbt, no Jinja, no quarantine and no history, to measure what the dbt build costs on
-- top of the bare work. It reads a raw folder, merges the two feedback exports, checks
-- integrity, and writes the marts `main.fct_retour_client`, `main.dim_produit`,
-- `main.dim_magasin` and one table per answer, named and shaped like the dbt answer models.
--
-- Inputs, all as DuckDB variables set by the runner (benchmarks/etalons.py):
--   getvariable('dossier_brut')   raw folder: retour_client.csv, produit.csv, ref_magasin.csv
--   getvariable('encodage')       decoder of retour_client.csv: 'latin-1' (fast, valid when the
--                                 file holds no byte 0x80-0x9F) or 'CP1252' (encodings ext.)
--   getvariable('dossier_seeds')  the project's seeds/ folder (reference lists)
-- and the SQLite CRM attached read-only as catalog `crm` with sqlite_all_varchar = true.
-- The two small reference exports are always read as CP1252: they may hold `œ` (0x9C), which
-- the latin-1 decoder refuses, and their size makes the slower decoder free.
--
-- Rules (the same as the dbt models, simplified where the real exports never need more):
-- - a raw row missing a required field, or with a note outside 0-10, is dropped (dbt
--   quarantines it); the CSV reader is strict, so an untypable CSV field stops the script;
-- - labels are trimmed and lower-cased; a CRM value is cast with try_cast;
-- - merge on the key: CSV rows, plus CRM rows whose key is not in the CSV; a key present in
--   both exports with different content is a conflict and both copies are dropped (a key
--   repeated inside one export is not looked for: the CRM key is a primary key, and the CSV
--   export has never repeated one);
-- - integrity: feedback whose product or store is unknown, or whose source or category is
--   not in the reference list, is dropped; stores outside the 8 départements are dropped.
-- Business parameters are the defaults of dbt_project.yml's vars (q02_categorie, ...).

-- Reference seeds (temporary: only the marts and the answers are written to the file) ---------

create temp table departements_idf as
select code_departement, nom_departement
from read_csv(
    getvariable('dossier_seeds') || '/departements_idf.csv',
    header = true, delim = ',', quote = '"', auto_detect = false,
    columns = {'code_departement': 'varchar', 'nom_departement': 'varchar'}
);

create temp table libelles_reference as
select domaine, libelle
from read_csv(
    getvariable('dossier_seeds') || '/libelles_reference.csv',
    header = true, delim = ',', quote = '"', auto_detect = false,
    columns = {'domaine': 'varchar', 'libelle': 'varchar', 'description': 'varchar'}
);

create temp table famille_produit as
select titre_produit, famille_produit
from read_csv(
    getvariable('dossier_seeds') || '/famille_produit.csv',
    header = true, delim = ',', quote = '"', auto_detect = false,
    columns = {
        'titre_produit': 'varchar', 'famille_produit': 'varchar', 'justification': 'varchar'
    }
);

create temp table jours_semaine as
select numero_jour_iso, nom_jour
from read_csv(
    getvariable('dossier_seeds') || '/jours_semaine.csv',
    header = true, delim = ',', quote = '"', auto_detect = false,
    columns = {'numero_jour_iso': 'integer', 'nom_jour': 'varchar'}
);

create temp table mois_annee as
select numero_mois, nom_mois
from read_csv(
    getvariable('dossier_seeds') || '/mois_annee.csv',
    header = true, delim = ',', quote = '"', auto_detect = false,
    columns = {'numero_mois': 'integer', 'nom_mois': 'varchar'}
);

-- Shared arithmetic, as in macros/nps/ (temporary macros: nothing kept in the file) -------

create temp macro pourcentage(numerateur, denominateur) as
    cast(numerateur as double) * 100 / nullif(denominateur, 0);

create temp macro part_nps(nb_groupe, nb_reponses) as
    cast(nb_groupe as double) / nullif(nb_reponses, 0);

create temp macro marge_erreur_nps(nb_promoteurs, nb_detracteurs, nb_reponses) as
    1.96 * 100 * sqrt(
        (
            part_nps(nb_promoteurs, nb_reponses) + part_nps(nb_detracteurs, nb_reponses)
            - (part_nps(nb_promoteurs, nb_reponses) - part_nps(nb_detracteurs, nb_reponses))
            * (part_nps(nb_promoteurs, nb_reponses) - part_nps(nb_detracteurs, nb_reponses))
        ) / nullif(nb_reponses, 0)
    );

-- Marts ------------------------------------------------------------------------------------

create or replace table main.dim_produit as
with

csv_produit as (
    select
        cle_produit,
        nullif(trim(typologie_produit), '') as typologie_produit,
        nullif(trim(titre_produit), '') as titre_produit
    from read_csv(
        getvariable('dossier_brut') || '/produit.csv',
        delim = ';', header = false, quote = '', escape = '', encoding = 'CP1252',
        auto_detect = false,
        columns = {
            'cle_produit': 'bigint', 'typologie_produit': 'varchar', 'titre_produit': 'varchar'
        }
    )
),

crm_produit as (
    select
        try_cast(cle_produit as bigint) as cle_produit,
        nullif(trim(typologie_produit), '') as typologie_produit,
        nullif(trim(titre_produit), '') as titre_produit
    from crm.main.produit
),

csv_valides as (
    select * from csv_produit
    where cle_produit is not null and typologie_produit is not null and titre_produit is not null
),

crm_valides as (
    select * from crm_produit
    where cle_produit is not null and typologie_produit is not null and titre_produit is not null
),

fusionnes as (
    -- CSV rows, CRM rows whose key is not in the CSV; a key in both with different content
    -- is dropped.
    select
        coalesce(csv_valides.cle_produit, crm_valides.cle_produit) as cle_produit,
        coalesce(csv_valides.typologie_produit, crm_valides.typologie_produit)
            as typologie_produit,
        coalesce(csv_valides.titre_produit, crm_valides.titre_produit) as titre_produit
    from csv_valides
    full outer join crm_valides
        on csv_valides.cle_produit = crm_valides.cle_produit
    where
        csv_valides.cle_produit is null
        or crm_valides.cle_produit is null
        or (
            csv_valides.typologie_produit = crm_valides.typologie_produit
            and csv_valides.titre_produit = crm_valides.titre_produit
        )
)

select
    fusionnes.cle_produit,
    fusionnes.typologie_produit,
    fusionnes.titre_produit,
    famille_produit.famille_produit,
    cast(famille_produit.famille_produit = 'boisson' as boolean) as est_boisson
from fusionnes
left join famille_produit
    on fusionnes.titre_produit = famille_produit.titre_produit;

create or replace table main.dim_magasin as
with

csv_magasin as (
    select
        ref_magasin,
        nullif(trim(departement), '') as code_departement,
        nullif(trim(departement_commune), '') as code_commune,
        nullif(trim(libelle_de_commune), '') as libelle_commune,
        population,
        latitude,
        longitude
    from read_csv(
        getvariable('dossier_brut') || '/ref_magasin.csv',
        delim = ';', header = false, quote = '', escape = '', encoding = 'CP1252',
        auto_detect = false,
        columns = {
            'ref_magasin': 'bigint', 'departement': 'varchar',
            'departement_commune': 'varchar', 'libelle_de_commune': 'varchar',
            'population': 'bigint', 'latitude': 'double', 'longitude': 'double'
        }
    )
),

crm_magasin as (
    select
        try_cast(ref_magasin as bigint) as ref_magasin,
        nullif(trim(departement), '') as code_departement,
        nullif(trim(departement_commune), '') as code_commune,
        nullif(trim(libelle_de_commune), '') as libelle_commune,
        try_cast(population as bigint) as population,
        try_cast(latitude as double) as latitude,
        try_cast(longitude as double) as longitude
    from crm.main.ref_magasin
),

csv_valides as (
    select * from csv_magasin
    where ref_magasin is not null and code_departement is not null and libelle_commune is not null
),

crm_valides as (
    select * from crm_magasin
    where ref_magasin is not null and code_departement is not null and libelle_commune is not null
),

fusionnes as (
    select
        coalesce(csv_valides.ref_magasin, crm_valides.ref_magasin) as ref_magasin,
        coalesce(csv_valides.code_departement, crm_valides.code_departement)
            as code_departement,
        coalesce(csv_valides.code_commune, crm_valides.code_commune) as code_commune,
        coalesce(csv_valides.libelle_commune, crm_valides.libelle_commune) as libelle_commune,
        coalesce(csv_valides.population, crm_valides.population) as population,
        coalesce(csv_valides.latitude, crm_valides.latitude) as latitude,
        coalesce(csv_valides.longitude, crm_valides.longitude) as longitude
    from csv_valides
    full outer join crm_valides
        on csv_valides.ref_magasin = crm_valides.ref_magasin
    where
        csv_valides.ref_magasin is null
        or crm_valides.ref_magasin is null
        or (
            csv_valides.code_departement = crm_valides.code_departement
            and csv_valides.code_commune is not distinct from crm_valides.code_commune
            and csv_valides.libelle_commune = crm_valides.libelle_commune
            and csv_valides.population is not distinct from crm_valides.population
            and csv_valides.latitude is not distinct from crm_valides.latitude
            and csv_valides.longitude is not distinct from crm_valides.longitude
        )
)

select
    fusionnes.ref_magasin,
    fusionnes.code_departement,
    departements_idf.nom_departement,
    fusionnes.code_commune,
    fusionnes.libelle_commune,
    fusionnes.population,
    fusionnes.latitude,
    fusionnes.longitude
from fusionnes
inner join departements_idf
    on fusionnes.code_departement = departements_idf.code_departement;

create or replace table main.fct_retour_client as
with

csv_retour_client as (
    select
        cle_retour_client,
        note,
        cle_produit,
        ref_magasin,
        date_achat,
        lower(trim(libelle_source)) as libelle_source,
        lower(trim(libelle_categorie)) as libelle_categorie,
        recommandation
    from read_csv(
        getvariable('dossier_brut') || '/retour_client.csv',
        delim = ';', header = false, quote = '', escape = '',
        encoding = getvariable('encodage'), auto_detect = false, dateformat = '%Y-%m-%d',
        columns = {
            'cle_retour_client': 'bigint', 'note': 'integer', 'cle_produit': 'bigint',
            'ref_magasin': 'bigint', 'date_achat': 'date', 'libelle_source': 'varchar',
            'libelle_categorie': 'varchar', 'recommandation': 'boolean'
        }
    )
    where
        cle_retour_client is not null
        and note between 0 and 10
        and cle_produit is not null
        and ref_magasin is not null
        and date_achat is not null
),

crm_retour_client as (
    select
        try_cast(cle_retour_client as bigint) as cle_retour_client,
        try_cast(note as integer) as note,
        try_cast(cle_produit as bigint) as cle_produit,
        try_cast(ref_magasin as bigint) as ref_magasin,
        try_cast(date_achat as date) as date_achat,
        lower(trim(libelle_source)) as libelle_source,
        lower(trim(libelle_categorie)) as libelle_categorie,
        case trim(recommandation) when '1' then true when '0' then false end as recommandation,
        coalesce(trim(recommandation), '') in ('', '0', '1') as est_recommandation_lisible
    from crm.main.retour_client
),

crm_valides as (
    select
        cle_retour_client,
        note,
        cle_produit,
        ref_magasin,
        date_achat,
        libelle_source,
        libelle_categorie,
        recommandation
    from crm_retour_client
    where
        cle_retour_client is not null
        and note between 0 and 10
        and cle_produit is not null
        and ref_magasin is not null
        and date_achat is not null
        and est_recommandation_lisible
),

fusionnes as (
    -- One hash join does both the anti-join (CRM rows whose key is not in the CSV) and the
    -- conflict check (a key in both exports must have the same content, else both go).
    select
        coalesce(csv_retour_client.cle_retour_client, crm_valides.cle_retour_client)
            as cle_retour_client,
        coalesce(csv_retour_client.note, crm_valides.note) as note,
        coalesce(csv_retour_client.cle_produit, crm_valides.cle_produit) as cle_produit,
        coalesce(csv_retour_client.ref_magasin, crm_valides.ref_magasin) as ref_magasin,
        coalesce(csv_retour_client.date_achat, crm_valides.date_achat) as date_achat,
        coalesce(csv_retour_client.libelle_source, crm_valides.libelle_source)
            as libelle_source,
        coalesce(csv_retour_client.libelle_categorie, crm_valides.libelle_categorie)
            as libelle_categorie,
        case
            when csv_retour_client.cle_retour_client is not null
                then csv_retour_client.recommandation
            else crm_valides.recommandation
        end as recommandation
    from csv_retour_client
    full outer join crm_valides
        on csv_retour_client.cle_retour_client = crm_valides.cle_retour_client
    where
        csv_retour_client.cle_retour_client is null
        or crm_valides.cle_retour_client is null
        or (
            csv_retour_client.note = crm_valides.note
            and csv_retour_client.cle_produit = crm_valides.cle_produit
            and csv_retour_client.ref_magasin = crm_valides.ref_magasin
            and csv_retour_client.date_achat = crm_valides.date_achat
            and csv_retour_client.libelle_source is not distinct from crm_valides.libelle_source
            and csv_retour_client.libelle_categorie
            is not distinct from crm_valides.libelle_categorie
            and csv_retour_client.recommandation is not distinct from crm_valides.recommandation
        )
),

integres as (
    select * from fusionnes
    where
        cle_produit in (select dim_produit.cle_produit from main.dim_produit)
        and ref_magasin in (select dim_magasin.ref_magasin from main.dim_magasin)
        and libelle_source in (
            select libelles_reference.libelle from libelles_reference
            where libelles_reference.domaine = 'source'
        )
        and libelle_categorie in (
            select libelles_reference.libelle from libelles_reference
            where libelles_reference.domaine = 'categorie'
        )
)

select
    cle_retour_client,
    note,
    cle_produit,
    ref_magasin,
    date_achat,
    libelle_source,
    libelle_categorie,
    recommandation,
    case
        when note >= 9 then 'promoteur'
        when note >= 7 then 'passif'
        when note >= 0 then 'détracteur'
    end as groupe_nps,
    md5(
        coalesce(cast(note as varchar), '<inconnu>')
        || '|' || coalesce(cast(cle_produit as varchar), '<inconnu>')
        || '|' || coalesce(cast(ref_magasin as varchar), '<inconnu>')
        || '|' || coalesce(cast(date_achat as varchar), '<inconnu>')
        || '|' || coalesce(libelle_source, '<inconnu>')
        || '|' || coalesce(libelle_categorie, '<inconnu>')
        || '|' || coalesce(cast(recommandation as varchar), '<inconnu>')
    ) as empreinte_contenu,
    cast(current_timestamp as timestamp) as lot_chargement
from integres;

-- Answers (one table per dbt answer model, same name and columns) --------------------------

-- q01
create or replace table main.part_recommandation_client as
with comptes as (
    select
        sum(case when recommandation = true then 1 else 0 end) as nb_oui,
        sum(case when recommandation = false then 1 else 0 end) as nb_non,
        sum(case when recommandation is null then 1 else 0 end) as nb_inconnu,
        count(*) as nb_retours
    from main.fct_retour_client
)

select
    coalesce(nb_oui, 0) as nb_oui,
    coalesce(nb_non, 0) as nb_non,
    coalesce(nb_inconnu, 0) as nb_inconnu,
    coalesce(nb_oui, 0) + coalesce(nb_non, 0) as nb_reponses_connues,
    nb_retours,
    pourcentage(nb_oui, coalesce(nb_oui, 0) + coalesce(nb_non, 0)) as pct_recommandation
from comptes;

-- q02
create or replace table main.nb_retours_livraison as
select
    cast('livraison' as varchar) as libelle_categorie,
    count(*) as nb_retours
from main.fct_retour_client
where libelle_categorie = 'livraison';

-- q03
create or replace table main.nb_retours_par_source as
with

sources as (
    select libelle as libelle_source from libelles_reference
    where domaine = 'source'
),

par_source as (
    select
        sources.libelle_source,
        count(fct_retour_client.cle_retour_client) as nb_retours
    from sources
    left join main.fct_retour_client
        on sources.libelle_source = fct_retour_client.libelle_source
    group by sources.libelle_source
)

select
    libelle_source,
    nb_retours,
    pourcentage(nb_retours, (select count(*) from main.fct_retour_client)) as pct_retours
from par_source;

-- q04
create or replace table main.retours_par_categorie as
with

categories as (
    select libelle as libelle_categorie from libelles_reference
    where domaine = 'categorie'
),

par_categorie as (
    select
        categories.libelle_categorie,
        count(fct_retour_client.note) as nb_retours,
        avg(cast(fct_retour_client.note as double)) as note_moyenne,
        count(fct_retour_client.note) as nb_reponses,
        cast(count_if(fct_retour_client.note >= 9) as bigint) as nb_promoteurs,
        cast(count_if(fct_retour_client.note between 7 and 8) as bigint) as nb_passifs,
        cast(count_if(fct_retour_client.note between 0 and 6) as bigint) as nb_detracteurs
    from categories
    left join main.fct_retour_client
        on categories.libelle_categorie = fct_retour_client.libelle_categorie
    group by categories.libelle_categorie
)

select
    libelle_categorie,
    nb_retours,
    pourcentage(nb_retours, (select count(*) from main.fct_retour_client)) as pct_retours,
    note_moyenne,
    nb_reponses,
    nb_promoteurs,
    nb_passifs,
    nb_detracteurs,
    pourcentage(nb_promoteurs, nb_reponses) as pct_promoteurs,
    pourcentage(nb_passifs, nb_reponses) as pct_passifs,
    pourcentage(nb_detracteurs, nb_reponses) as pct_detracteurs,
    pourcentage(nb_promoteurs - nb_detracteurs, nb_reponses) as nps,
    marge_erreur_nps(nb_promoteurs, nb_detracteurs, nb_reponses) as marge_erreur_95,
    nb_reponses < 30 as est_echantillon_faible,
    rank() over (order by nb_retours desc) as rang_nb_retours
from par_categorie;

-- q05
create or replace table main.notes_reseaux_sociaux_tv as
select
    fct_retour_client.cle_retour_client,
    fct_retour_client.note,
    fct_retour_client.date_achat,
    fct_retour_client.ref_magasin,
    dim_magasin.libelle_commune,
    dim_magasin.code_departement,
    dim_produit.titre_produit,
    fct_retour_client.libelle_source
from main.fct_retour_client
inner join main.dim_produit
    on fct_retour_client.cle_produit = dim_produit.cle_produit
inner join main.dim_magasin
    on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
where
    fct_retour_client.libelle_source = 'réseaux sociaux'
    and dim_produit.titre_produit = 'TV';

-- q06
create or replace table main.note_moyenne_par_typologie as
with par_typologie as (
    select
        dim_produit.typologie_produit,
        count(fct_retour_client.note) as nb_retours,
        avg(cast(fct_retour_client.note as double)) as note_moyenne
    from main.dim_produit
    left join main.fct_retour_client
        on dim_produit.cle_produit = fct_retour_client.cle_produit
    group by dim_produit.typologie_produit
)

select
    typologie_produit,
    nb_retours,
    note_moyenne,
    rank() over (order by note_moyenne desc nulls last) as rang
from par_typologie;

-- q07
create or replace table main.typologie_meilleur_sav as
with

retours_sav as (
    select
        note,
        cle_produit
    from main.fct_retour_client
    where libelle_categorie = 'service après-vente'
),

par_typologie as (
    select
        dim_produit.typologie_produit,
        count(retours_sav.note) as nb_retours_sav,
        avg(cast(retours_sav.note as double)) as note_moyenne_sav
    from main.dim_produit
    left join retours_sav
        on dim_produit.cle_produit = retours_sav.cle_produit
    group by dim_produit.typologie_produit
),

classees as (
    select
        typologie_produit,
        nb_retours_sav,
        note_moyenne_sav,
        rank() over (order by note_moyenne_sav desc nulls last) as rang
    from par_typologie
)

select
    typologie_produit,
    nb_retours_sav,
    note_moyenne_sav,
    rang,
    rang = 1 and note_moyenne_sav is not null as est_meilleure
from classees;

-- q08
create or replace table main.note_moyenne_boissons as
with

boissons as (
    select cle_produit from main.dim_produit
    where est_boisson = true
),

retours_boissons as (
    select
        fct_retour_client.note,
        fct_retour_client.cle_produit
    from main.fct_retour_client
    inner join boissons
        on fct_retour_client.cle_produit = boissons.cle_produit
)

select
    (select count(*) from boissons) as nb_produits_boissons,
    count(distinct cle_produit) as nb_produits_avec_retour,
    count(note) as nb_retours,
    avg(cast(note as double)) as note_moyenne
from retours_boissons;

-- q09: quarters T1 2021 (before) and T2 2021 (after)
create or replace table main.typologies_en_progres_t1_t2 as
with

retours_dates as (
    select
        dim_produit.typologie_produit,
        fct_retour_client.note,
        extract(year from fct_retour_client.date_achat) as annee,
        extract(quarter from fct_retour_client.date_achat) as trimestre
    from main.fct_retour_client
    inner join main.dim_produit
        on fct_retour_client.cle_produit = dim_produit.cle_produit
),

par_typologie as (
    select
        typologie_produit,
        sum(case when annee = 2021 and trimestre = 1 then 1 else 0 end) as nb_retours_avant,
        avg(cast(case when annee = 2021 and trimestre = 1 then note end as double))
            as note_moyenne_avant,
        sum(case when annee = 2021 and trimestre = 2 then 1 else 0 end) as nb_retours_apres,
        avg(cast(case when annee = 2021 and trimestre = 2 then note end as double))
            as note_moyenne_apres
    from retours_dates
    group by typologie_produit
)

select
    typologie_produit,
    nb_retours_avant,
    note_moyenne_avant,
    nb_retours_apres,
    note_moyenne_apres,
    note_moyenne_apres - note_moyenne_avant as evolution_note_moyenne
from par_typologie
where note_moyenne_apres > note_moyenne_avant;

-- Per-store figures, shared by q10, q12 and q13 (temporary)
create temp table par_magasin as
select
    fct_retour_client.ref_magasin,
    dim_magasin.libelle_commune,
    dim_magasin.code_departement,
    dim_magasin.nom_departement,
    count(*) as nb_retours,
    avg(cast(fct_retour_client.note as double)) as note_moyenne
from main.fct_retour_client
inner join main.dim_magasin
    on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
group by all;

-- q10: top 5 by average note, ties kept
create or replace table main.top_magasins_note_moyenne as
select * from (
    select
        *,
        rank() over (order by note_moyenne desc) as rang
    from par_magasin
)
where rang <= 5;

-- q11: more than 12 drive feedbacks
create or replace table main.magasins_retours_drive_au_dessus_du_seuil as
with par_magasin_drive as (
    select
        ref_magasin,
        count(*) as nb_retours_drive
    from main.fct_retour_client
    where libelle_categorie = 'drive'
    group by ref_magasin
)

select
    par_magasin_drive.ref_magasin,
    dim_magasin.libelle_commune,
    dim_magasin.code_departement,
    dim_magasin.nom_departement,
    par_magasin_drive.nb_retours_drive
from par_magasin_drive
inner join main.dim_magasin
    on par_magasin_drive.ref_magasin = dim_magasin.ref_magasin
where par_magasin_drive.nb_retours_drive > 12;

-- q12
create or replace table main.magasins_sous_la_moyenne as
with moyenne_generale as (
    select avg(cast(note as double)) as note_moyenne_generale
    from main.fct_retour_client
)

select
    par_magasin.*,
    moyenne_generale.note_moyenne_generale,
    par_magasin.note_moyenne - moyenne_generale.note_moyenne_generale as ecart_a_la_moyenne
from par_magasin
cross join moyenne_generale
where par_magasin.note_moyenne < moyenne_generale.note_moyenne_generale;

-- q13: top 5 by number of feedbacks, ties kept
create or replace table main.top_magasins_nb_retours as
select * from (
    select
        *,
        rank() over (order by nb_retours desc) as rang
    from par_magasin
)
where rang <= 5;

-- q14
create or replace table main.classement_departements_par_note as
with

retours_departement as (
    select
        dim_magasin.code_departement,
        fct_retour_client.note,
        fct_retour_client.ref_magasin
    from main.fct_retour_client
    inner join main.dim_magasin
        on fct_retour_client.ref_magasin = dim_magasin.ref_magasin
),

par_departement as (
    select
        departements_idf.code_departement,
        departements_idf.nom_departement,
        count(distinct retours_departement.ref_magasin) as nb_magasins_avec_retour,
        count(retours_departement.note) as nb_retours,
        avg(cast(retours_departement.note as double)) as note_moyenne
    from departements_idf
    left join retours_departement
        on departements_idf.code_departement = retours_departement.code_departement
    group by departements_idf.code_departement, departements_idf.nom_departement
)

select
    *,
    rank() over (order by note_moyenne desc nulls last) as rang
from par_departement;

-- q15
create or replace table main.classement_jours_experience_magasin as
with

retours_magasin as (
    select
        note,
        extract(isodow from date_achat) as numero_jour_iso
    from main.fct_retour_client
    where libelle_categorie = 'expérience en magasin'
),

par_jour as (
    select
        jours_semaine.numero_jour_iso,
        jours_semaine.nom_jour,
        count(retours_magasin.note) as nb_retours,
        avg(cast(retours_magasin.note as double)) as note_moyenne
    from jours_semaine
    left join retours_magasin
        on jours_semaine.numero_jour_iso = retours_magasin.numero_jour_iso
    group by jours_semaine.numero_jour_iso, jours_semaine.nom_jour
)

select
    *,
    rank() over (order by note_moyenne desc nulls last) as rang
from par_jour;

-- q16
create or replace table main.retours_sav_par_mois as
with par_mois as (
    select
        cast(date_trunc('month', date_achat) as date) as mois,
        sum(case when libelle_categorie = 'service après-vente' then 1 else 0 end)
            as nb_retours_sav
    from main.fct_retour_client
    group by 1
)

select
    par_mois.mois,
    cast(extract(year from par_mois.mois) as integer) as annee,
    cast(extract(month from par_mois.mois) as integer) as numero_mois,
    mois_annee.nom_mois,
    par_mois.nb_retours_sav,
    rank() over (order by par_mois.nb_retours_sav desc) as rang,
    par_mois.nb_retours_sav = max(par_mois.nb_retours_sav) over () as est_mois_max
from par_mois
inner join mois_annee
    on extract(month from par_mois.mois) = mois_annee.numero_mois;

-- q17
create or replace table main.nps_global as
with groupes as (
    select
        count(note) as nb_reponses,
        cast(count_if(note >= 9) as bigint) as nb_promoteurs,
        cast(count_if(note between 7 and 8) as bigint) as nb_passifs,
        cast(count_if(note between 0 and 6) as bigint) as nb_detracteurs
    from main.fct_retour_client
)

select
    nb_reponses,
    nb_promoteurs,
    nb_passifs,
    nb_detracteurs,
    pourcentage(nb_promoteurs, nb_reponses) as pct_promoteurs,
    pourcentage(nb_passifs, nb_reponses) as pct_passifs,
    pourcentage(nb_detracteurs, nb_reponses) as pct_detracteurs,
    pourcentage(nb_promoteurs - nb_detracteurs, nb_reponses) as nps,
    marge_erreur_nps(nb_promoteurs, nb_detracteurs, nb_reponses) as marge_erreur_95,
    nb_reponses < 30 as est_echantillon_faible
from groupes;

-- q18
create or replace table main.nps_par_source as
with groupes as (
    select
        libelles_reference.libelle as libelle_source,
        count(fct_retour_client.note) as nb_reponses,
        cast(count_if(fct_retour_client.note >= 9) as bigint) as nb_promoteurs,
        cast(count_if(fct_retour_client.note between 7 and 8) as bigint) as nb_passifs,
        cast(count_if(fct_retour_client.note between 0 and 6) as bigint) as nb_detracteurs
    from libelles_reference
    left join main.fct_retour_client
        on libelles_reference.libelle = fct_retour_client.libelle_source
    where libelles_reference.domaine = 'source'
    group by libelles_reference.libelle
)

select
    libelle_source,
    nb_reponses,
    nb_promoteurs,
    nb_passifs,
    nb_detracteurs,
    pourcentage(nb_promoteurs, nb_reponses) as pct_promoteurs,
    pourcentage(nb_passifs, nb_reponses) as pct_passifs,
    pourcentage(nb_detracteurs, nb_reponses) as pct_detracteurs,
    pourcentage(nb_promoteurs - nb_detracteurs, nb_reponses) as nps,
    marge_erreur_nps(nb_promoteurs, nb_detracteurs, nb_reponses) as marge_erreur_95,
    nb_reponses < 30 as est_echantillon_faible
from groupes;

-- q19: month-over-month change, significant when larger than its 95 % margin
create or replace table main.nps_par_mois as
with

groupes as (
    select
        cast(date_trunc('month', date_achat) as date) as mois,
        count(note) as nb_reponses,
        cast(count_if(note >= 9) as bigint) as nb_promoteurs,
        cast(count_if(note between 7 and 8) as bigint) as nb_passifs,
        cast(count_if(note between 0 and 6) as bigint) as nb_detracteurs
    from main.fct_retour_client
    group by 1
),

par_mois as (
    select
        *,
        pourcentage(nb_promoteurs, nb_reponses) as pct_promoteurs,
        pourcentage(nb_passifs, nb_reponses) as pct_passifs,
        pourcentage(nb_detracteurs, nb_reponses) as pct_detracteurs,
        pourcentage(nb_promoteurs - nb_detracteurs, nb_reponses) as nps,
        marge_erreur_nps(nb_promoteurs, nb_detracteurs, nb_reponses) as marge_erreur_95,
        nb_reponses < 30 as est_echantillon_faible
    from groupes
),

variations as (
    select
        *,
        case
            when lag(mois) over (order by mois) = cast(mois - interval 1 month as date)
                then nps - lag(nps) over (order by mois)
        end as variation_nps,
        case
            when lag(mois) over (order by mois) = cast(mois - interval 1 month as date)
                then sqrt(
                    power(marge_erreur_95, 2)
                    + power(lag(marge_erreur_95) over (order by mois), 2)
                )
        end as marge_variation_95
    from par_mois
)

select
    variations.mois,
    cast(extract(year from variations.mois) as integer) as annee,
    cast(extract(month from variations.mois) as integer) as numero_mois,
    mois_annee.nom_mois,
    variations.nb_reponses,
    variations.nb_promoteurs,
    variations.nb_passifs,
    variations.nb_detracteurs,
    variations.pct_promoteurs,
    variations.pct_passifs,
    variations.pct_detracteurs,
    variations.nps,
    variations.marge_erreur_95,
    variations.est_echantillon_faible,
    variations.variation_nps,
    variations.marge_variation_95,
    coalesce(abs(variations.variation_nps) > variations.marge_variation_95, false)
        as est_variation_significative,
    variations.nps = max(variations.nps) over () as est_meilleur_mois,
    variations.nps = min(variations.nps) over () as est_pire_mois
from variations
inner join mois_annee
    on extract(month from variations.mois) = mois_annee.numero_mois;
