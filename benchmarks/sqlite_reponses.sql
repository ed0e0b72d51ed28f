-- The 19 business answers as a user without the project would compute them: plain SQLite
-- statements over the CRM database `Satisfaction.db` alone (tables retour_client, produit,
-- ref_magasin), with no CSV export, no merge and no quarantine. Each statement is a SELECT
-- preceded by a line `-- reponse: <answer model name>` (benchmarks/etalons.py splits on it);
-- its columns carry the names of the dbt answer model's columns.
--
-- What the project keeps in seeds is inlined as VALUES (département names, day and month
-- names, the reviewed beverage list of seeds/famille_produit.csv); the business parameters
-- are the defaults of dbt_project.yml's vars. Groups come from the data: a source, category,
-- month or typology with no feedback has no row here (the dbt models list it with zeros).
-- ref_magasin's columns are untyped text in the CRM: keys are cast to integer to join.
-- Booleans come out as 0/1, dates and months as 'YYYY-MM-DD' text.
-- Formulas are the project's: shares in 0-100, NPS = (notes 9-10 - notes 0-6) / notes x 100,
-- margin of error 1.96 x 100 x sqrt((p + d - (p - d)^2) / n), averages never rounded,
-- rank() keeping ties.

-- reponse: part_recommandation_client
select
    sum(recommandation = '1') as nb_oui,
    sum(recommandation = '0') as nb_non,
    sum(coalesce(recommandation, '') not in ('0', '1')) as nb_inconnu,
    sum(recommandation in ('0', '1')) as nb_reponses_connues,
    count(*) as nb_retours,
    100.0 * sum(recommandation = '1') / nullif(sum(recommandation in ('0', '1')), 0)
        as pct_recommandation
from retour_client;

-- reponse: nb_retours_livraison
select
    'livraison' as libelle_categorie,
    count(*) as nb_retours
from retour_client
where libelle_categorie = 'livraison';

-- reponse: nb_retours_par_source
select
    libelle_source,
    count(*) as nb_retours,
    100.0 * count(*) / (select count(*) from retour_client) as pct_retours
from retour_client
group by libelle_source
order by libelle_source;

-- reponse: retours_par_categorie
with

par_categorie as (
    select
        libelle_categorie,
        count(*) as nb_retours,
        avg(note) as note_moyenne,
        sum(note >= 9) as nb_promoteurs,
        sum(note between 7 and 8) as nb_passifs,
        sum(note <= 6) as nb_detracteurs,
        1.0 * sum(note >= 9) / count(*) as part_promoteurs,
        1.0 * sum(note <= 6) / count(*) as part_detracteurs
    from retour_client
    group by libelle_categorie
)

select
    libelle_categorie,
    nb_retours,
    100.0 * nb_retours / (select count(*) from retour_client) as pct_retours,
    note_moyenne,
    nb_retours as nb_reponses,
    nb_promoteurs,
    nb_passifs,
    nb_detracteurs,
    100.0 * nb_promoteurs / nb_retours as pct_promoteurs,
    100.0 * nb_passifs / nb_retours as pct_passifs,
    100.0 * nb_detracteurs / nb_retours as pct_detracteurs,
    100.0 * (nb_promoteurs - nb_detracteurs) / nb_retours as nps,
    1.96 * 100 * sqrt(
        (
            part_promoteurs + part_detracteurs
            - (part_promoteurs - part_detracteurs) * (part_promoteurs - part_detracteurs)
        ) / nb_retours
    ) as marge_erreur_95,
    nb_retours < 30 as est_echantillon_faible,
    rank() over (order by nb_retours desc) as rang_nb_retours
from par_categorie
order by rang_nb_retours;

-- reponse: notes_reseaux_sociaux_tv
select
    retour_client.cle_retour_client,
    retour_client.note,
    retour_client.date_achat,
    retour_client.ref_magasin,
    ref_magasin.libelle_de_commune as libelle_commune,
    ref_magasin.departement as code_departement,
    produit.titre_produit,
    retour_client.libelle_source
from retour_client
inner join produit
    on retour_client.cle_produit = produit.cle_produit
inner join ref_magasin
    on retour_client.ref_magasin = cast(ref_magasin.ref_magasin as integer)
where
    retour_client.libelle_source = 'réseaux sociaux'
    and produit.titre_produit = 'TV'
order by retour_client.cle_retour_client;

-- reponse: note_moyenne_par_typologie
with

par_typologie as (
    select
        produit.typologie_produit,
        count(*) as nb_retours,
        avg(retour_client.note) as note_moyenne
    from retour_client
    inner join produit
        on retour_client.cle_produit = produit.cle_produit
    group by produit.typologie_produit
)

select
    typologie_produit,
    nb_retours,
    note_moyenne,
    rank() over (order by note_moyenne desc) as rang
from par_typologie
order by rang;

-- reponse: typologie_meilleur_sav
with

par_typologie as (
    select
        produit.typologie_produit,
        count(*) as nb_retours_sav,
        avg(retour_client.note) as note_moyenne_sav
    from retour_client
    inner join produit
        on retour_client.cle_produit = produit.cle_produit
    where retour_client.libelle_categorie = 'service après-vente'
    group by produit.typologie_produit
),

classees as (
    select
        typologie_produit,
        nb_retours_sav,
        note_moyenne_sav,
        rank() over (order by note_moyenne_sav desc) as rang
    from par_typologie
)

select
    typologie_produit,
    nb_retours_sav,
    note_moyenne_sav,
    rang,
    rang = 1 as est_meilleure
from classees
order by rang;

-- reponse: note_moyenne_boissons
with

titres_boissons (titre_produit) as (
    values
    ('Bière blonde'), ('Bière blonde bio'), ('Bière blonde premier prix'), ('Bières'),
    ('Boissons'), ('Boissons alcoolisées'), ('Boissons avec sucre ajouté'),
    ('Boissons gazeuses'), ('Boissons instantanées'), ('Café moulu'), ('Café moulu bio'),
    ('Café moulu premier prix'), ('Cafés'), ('Cafés solubles'), ('Cidre'), ('Cidre bio'),
    ('Cidre premier prix'), ('Eau minérale'), ('Eau minérale bio'),
    ('Eau minérale premier prix'), ('Jus d''orange'), ('Jus d''orange bio'),
    ('Jus d''orange premier prix'), ('Lait demi-écrémé'), ('Lait demi-écrémé bio'),
    ('Lait demi-écrémé premier prix'), ('Plantes-pour-infusions'), ('Saké'), ('Sodas'),
    ('Sodas bio'), ('Sodas premier prix'), ('Thé vert'), ('Thé vert bio'),
    ('Thé vert premier prix'), ('Vin rouge'), ('Vin rouge bio'), ('Vin rouge premier prix')
),

boissons as (
    select cle_produit from produit
    where titre_produit in (select titres_boissons.titre_produit from titres_boissons)
)

select
    (select count(*) from boissons) as nb_produits_boissons,
    count(distinct cle_produit) as nb_produits_avec_retour,
    count(note) as nb_retours,
    avg(note) as note_moyenne
from retour_client
where cle_produit in (select boissons.cle_produit from boissons);

-- reponse: typologies_en_progres_t1_t2
with

par_typologie as (
    select
        produit.typologie_produit,
        sum(retour_client.date_achat between '2021-01-01' and '2021-03-31')
            as nb_retours_avant,
        avg(
            case
                when retour_client.date_achat between '2021-01-01' and '2021-03-31'
                    then retour_client.note
            end
        ) as note_moyenne_avant,
        sum(retour_client.date_achat between '2021-04-01' and '2021-06-30')
            as nb_retours_apres,
        avg(
            case
                when retour_client.date_achat between '2021-04-01' and '2021-06-30'
                    then retour_client.note
            end
        ) as note_moyenne_apres
    from retour_client
    inner join produit
        on retour_client.cle_produit = produit.cle_produit
    group by produit.typologie_produit
)

select
    typologie_produit,
    nb_retours_avant,
    note_moyenne_avant,
    nb_retours_apres,
    note_moyenne_apres,
    note_moyenne_apres - note_moyenne_avant as evolution_note_moyenne
from par_typologie
where note_moyenne_apres > note_moyenne_avant
order by typologie_produit;

-- reponse: top_magasins_note_moyenne
with

departements (code_departement, nom_departement) as (
    values
    ('75', 'Paris'), ('77', 'Seine-et-Marne'), ('78', 'Yvelines'), ('91', 'Essonne'),
    ('92', 'Hauts-de-Seine'), ('93', 'Seine-Saint-Denis'), ('94', 'Val-de-Marne'),
    ('95', 'Val-d''Oise')
),

-- every feedback of a store first, then its commune and département (84 rows to join)
par_ref_magasin as (
    select
        ref_magasin,
        count(*) as nb_retours,
        avg(note) as note_moyenne
    from retour_client
    group by ref_magasin
),

par_magasin as (
    select
        par_ref_magasin.ref_magasin,
        ref_magasin.libelle_de_commune as libelle_commune,
        ref_magasin.departement as code_departement,
        departements.nom_departement,
        par_ref_magasin.nb_retours,
        par_ref_magasin.note_moyenne
    from par_ref_magasin
    inner join ref_magasin
        on par_ref_magasin.ref_magasin = cast(ref_magasin.ref_magasin as integer)
    inner join departements
        on ref_magasin.departement = departements.code_departement
),

classes as (
    select
        *,
        rank() over (order by note_moyenne desc) as rang
    from par_magasin
)

select * from classes
where rang <= 5
order by rang, ref_magasin;

-- reponse: magasins_retours_drive_au_dessus_du_seuil
with

departements (code_departement, nom_departement) as (
    values
    ('75', 'Paris'), ('77', 'Seine-et-Marne'), ('78', 'Yvelines'), ('91', 'Essonne'),
    ('92', 'Hauts-de-Seine'), ('93', 'Seine-Saint-Denis'), ('94', 'Val-de-Marne'),
    ('95', 'Val-d''Oise')
),

par_ref_magasin as (
    select
        ref_magasin,
        count(*) as nb_retours_drive
    from retour_client
    where libelle_categorie = 'drive'
    group by ref_magasin
    having count(*) > 12
)

select
    par_ref_magasin.ref_magasin,
    ref_magasin.libelle_de_commune as libelle_commune,
    ref_magasin.departement as code_departement,
    departements.nom_departement,
    par_ref_magasin.nb_retours_drive
from par_ref_magasin
inner join ref_magasin
    on par_ref_magasin.ref_magasin = cast(ref_magasin.ref_magasin as integer)
inner join departements
    on ref_magasin.departement = departements.code_departement
order by par_ref_magasin.ref_magasin;

-- reponse: magasins_sous_la_moyenne
with

departements (code_departement, nom_departement) as (
    values
    ('75', 'Paris'), ('77', 'Seine-et-Marne'), ('78', 'Yvelines'), ('91', 'Essonne'),
    ('92', 'Hauts-de-Seine'), ('93', 'Seine-Saint-Denis'), ('94', 'Val-de-Marne'),
    ('95', 'Val-d''Oise')
),

-- every feedback of a store first, then its commune and département (84 rows to join)
par_ref_magasin as (
    select
        ref_magasin,
        count(*) as nb_retours,
        avg(note) as note_moyenne
    from retour_client
    group by ref_magasin
),

par_magasin as (
    select
        par_ref_magasin.ref_magasin,
        ref_magasin.libelle_de_commune as libelle_commune,
        ref_magasin.departement as code_departement,
        departements.nom_departement,
        par_ref_magasin.nb_retours,
        par_ref_magasin.note_moyenne
    from par_ref_magasin
    inner join ref_magasin
        on par_ref_magasin.ref_magasin = cast(ref_magasin.ref_magasin as integer)
    inner join departements
        on ref_magasin.departement = departements.code_departement
),

moyenne_generale as (
    select avg(note) as note_moyenne_generale from retour_client
)

select
    par_magasin.*,
    moyenne_generale.note_moyenne_generale,
    par_magasin.note_moyenne - moyenne_generale.note_moyenne_generale as ecart_a_la_moyenne
from par_magasin
cross join moyenne_generale
where par_magasin.note_moyenne < moyenne_generale.note_moyenne_generale
order by ecart_a_la_moyenne;

-- reponse: top_magasins_nb_retours
with

departements (code_departement, nom_departement) as (
    values
    ('75', 'Paris'), ('77', 'Seine-et-Marne'), ('78', 'Yvelines'), ('91', 'Essonne'),
    ('92', 'Hauts-de-Seine'), ('93', 'Seine-Saint-Denis'), ('94', 'Val-de-Marne'),
    ('95', 'Val-d''Oise')
),

-- every feedback of a store first, then its commune and département (84 rows to join)
par_ref_magasin as (
    select
        ref_magasin,
        count(*) as nb_retours,
        avg(note) as note_moyenne
    from retour_client
    group by ref_magasin
),

par_magasin as (
    select
        par_ref_magasin.ref_magasin,
        ref_magasin.libelle_de_commune as libelle_commune,
        ref_magasin.departement as code_departement,
        departements.nom_departement,
        par_ref_magasin.nb_retours,
        par_ref_magasin.note_moyenne
    from par_ref_magasin
    inner join ref_magasin
        on par_ref_magasin.ref_magasin = cast(ref_magasin.ref_magasin as integer)
    inner join departements
        on ref_magasin.departement = departements.code_departement
),

classes as (
    select
        *,
        rank() over (order by nb_retours desc) as rang
    from par_magasin
)

select * from classes
where rang <= 5
order by rang, ref_magasin;

-- reponse: classement_departements_par_note
with

departements (code_departement, nom_departement) as (
    values
    ('75', 'Paris'), ('77', 'Seine-et-Marne'), ('78', 'Yvelines'), ('91', 'Essonne'),
    ('92', 'Hauts-de-Seine'), ('93', 'Seine-Saint-Denis'), ('94', 'Val-de-Marne'),
    ('95', 'Val-d''Oise')
),

-- every feedback of a store first (its count and the sum of its notes), then the 84 stores
par_ref_magasin as (
    select
        ref_magasin,
        count(*) as nb_retours,
        sum(note) as somme_notes
    from retour_client
    group by ref_magasin
),

par_code_departement as (
    select
        ref_magasin.departement as code_departement,
        count(*) as nb_magasins_avec_retour,
        sum(par_ref_magasin.nb_retours) as nb_retours,
        1.0 * sum(par_ref_magasin.somme_notes) / sum(par_ref_magasin.nb_retours)
            as note_moyenne
    from par_ref_magasin
    inner join ref_magasin
        on par_ref_magasin.ref_magasin = cast(ref_magasin.ref_magasin as integer)
    group by ref_magasin.departement
),

par_departement as (
    select
        departements.code_departement,
        departements.nom_departement,
        coalesce(par_code_departement.nb_magasins_avec_retour, 0) as nb_magasins_avec_retour,
        coalesce(par_code_departement.nb_retours, 0) as nb_retours,
        par_code_departement.note_moyenne
    from departements
    left join par_code_departement
        on departements.code_departement = par_code_departement.code_departement
)

select
    *,
    rank() over (order by note_moyenne desc nulls last) as rang
from par_departement
order by rang, code_departement;

-- reponse: classement_jours_experience_magasin
with

jours_semaine (numero_jour_iso, nom_jour) as (
    values
    (1, 'lundi'), (2, 'mardi'), (3, 'mercredi'), (4, 'jeudi'), (5, 'vendredi'),
    (6, 'samedi'), (7, 'dimanche')
),

retours_magasin as (
    select
        note,
        -- strftime('%w') counts from Sunday = 0; ISO counts from Monday = 1 to Sunday = 7.
        (cast(strftime('%w', date_achat) as integer) + 6) % 7 + 1 as numero_jour_iso
    from retour_client
    where libelle_categorie = 'expérience en magasin'
),

par_jour as (
    select
        jours_semaine.numero_jour_iso,
        jours_semaine.nom_jour,
        count(retours_magasin.note) as nb_retours,
        avg(retours_magasin.note) as note_moyenne
    from jours_semaine
    left join retours_magasin
        on jours_semaine.numero_jour_iso = retours_magasin.numero_jour_iso
    group by jours_semaine.numero_jour_iso, jours_semaine.nom_jour
)

select
    *,
    rank() over (order by note_moyenne desc nulls last) as rang
from par_jour
order by rang, numero_jour_iso;

-- reponse: retours_sav_par_mois
with

mois_annee (numero_mois, nom_mois) as (
    values
    (1, 'janvier'), (2, 'février'), (3, 'mars'), (4, 'avril'), (5, 'mai'), (6, 'juin'),
    (7, 'juillet'), (8, 'août'), (9, 'septembre'), (10, 'octobre'), (11, 'novembre'),
    (12, 'décembre')
),

par_mois as (
    select
        date(date_achat, 'start of month') as mois,
        sum(libelle_categorie = 'service après-vente') as nb_retours_sav
    from retour_client
    group by date(date_achat, 'start of month')
)

select
    par_mois.mois,
    cast(strftime('%Y', par_mois.mois) as integer) as annee,
    cast(strftime('%m', par_mois.mois) as integer) as numero_mois,
    mois_annee.nom_mois,
    par_mois.nb_retours_sav,
    rank() over (order by par_mois.nb_retours_sav desc) as rang,
    par_mois.nb_retours_sav = max(par_mois.nb_retours_sav) over () as est_mois_max
from par_mois
inner join mois_annee
    on cast(strftime('%m', par_mois.mois) as integer) = mois_annee.numero_mois
order by rang, par_mois.mois;

-- reponse: nps_global
with

groupes as (
    select
        count(*) as nb_reponses,
        sum(note >= 9) as nb_promoteurs,
        sum(note between 7 and 8) as nb_passifs,
        sum(note <= 6) as nb_detracteurs,
        1.0 * sum(note >= 9) / count(*) as part_promoteurs,
        1.0 * sum(note <= 6) / count(*) as part_detracteurs
    from retour_client
)

select
    nb_reponses,
    nb_promoteurs,
    nb_passifs,
    nb_detracteurs,
    100.0 * nb_promoteurs / nb_reponses as pct_promoteurs,
    100.0 * nb_passifs / nb_reponses as pct_passifs,
    100.0 * nb_detracteurs / nb_reponses as pct_detracteurs,
    100.0 * (nb_promoteurs - nb_detracteurs) / nb_reponses as nps,
    1.96 * 100 * sqrt(
        (
            part_promoteurs + part_detracteurs
            - (part_promoteurs - part_detracteurs) * (part_promoteurs - part_detracteurs)
        ) / nb_reponses
    ) as marge_erreur_95,
    nb_reponses < 30 as est_echantillon_faible
from groupes;

-- reponse: nps_par_source
with

groupes as (
    select
        libelle_source,
        count(*) as nb_reponses,
        sum(note >= 9) as nb_promoteurs,
        sum(note between 7 and 8) as nb_passifs,
        sum(note <= 6) as nb_detracteurs,
        1.0 * sum(note >= 9) / count(*) as part_promoteurs,
        1.0 * sum(note <= 6) / count(*) as part_detracteurs
    from retour_client
    group by libelle_source
)

select
    libelle_source,
    nb_reponses,
    nb_promoteurs,
    nb_passifs,
    nb_detracteurs,
    100.0 * nb_promoteurs / nb_reponses as pct_promoteurs,
    100.0 * nb_passifs / nb_reponses as pct_passifs,
    100.0 * nb_detracteurs / nb_reponses as pct_detracteurs,
    100.0 * (nb_promoteurs - nb_detracteurs) / nb_reponses as nps,
    1.96 * 100 * sqrt(
        (
            part_promoteurs + part_detracteurs
            - (part_promoteurs - part_detracteurs) * (part_promoteurs - part_detracteurs)
        ) / nb_reponses
    ) as marge_erreur_95,
    nb_reponses < 30 as est_echantillon_faible
from groupes
order by libelle_source;

-- reponse: nps_par_mois
with

mois_annee (numero_mois, nom_mois) as (
    values
    (1, 'janvier'), (2, 'février'), (3, 'mars'), (4, 'avril'), (5, 'mai'), (6, 'juin'),
    (7, 'juillet'), (8, 'août'), (9, 'septembre'), (10, 'octobre'), (11, 'novembre'),
    (12, 'décembre')
),

groupes as (
    select
        date(date_achat, 'start of month') as mois,
        count(*) as nb_reponses,
        sum(note >= 9) as nb_promoteurs,
        sum(note between 7 and 8) as nb_passifs,
        sum(note <= 6) as nb_detracteurs,
        1.0 * sum(note >= 9) / count(*) as part_promoteurs,
        1.0 * sum(note <= 6) / count(*) as part_detracteurs
    from retour_client
    group by date(date_achat, 'start of month')
),

par_mois as (
    select
        mois,
        nb_reponses,
        nb_promoteurs,
        nb_passifs,
        nb_detracteurs,
        100.0 * nb_promoteurs / nb_reponses as pct_promoteurs,
        100.0 * nb_passifs / nb_reponses as pct_passifs,
        100.0 * nb_detracteurs / nb_reponses as pct_detracteurs,
        100.0 * (nb_promoteurs - nb_detracteurs) / nb_reponses as nps,
        1.96 * 100 * sqrt(
            (
                part_promoteurs + part_detracteurs
                - (part_promoteurs - part_detracteurs) * (part_promoteurs - part_detracteurs)
            ) / nb_reponses
        ) as marge_erreur_95,
        nb_reponses < 30 as est_echantillon_faible,
        -- the previous month with feedback, compared only when it is the calendar month before
        lag(mois) over (order by mois) = date(mois, '-1 month') as suit_le_mois_precedent
    from groupes
),

variations as (
    select
        *,
        case
            when suit_le_mois_precedent
                then nps - lag(nps) over (order by mois)
        end as variation_nps,
        case
            when suit_le_mois_precedent
                then sqrt(
                    marge_erreur_95 * marge_erreur_95
                    + lag(marge_erreur_95) over (order by mois)
                    * lag(marge_erreur_95) over (order by mois)
                )
        end as marge_variation_95
    from par_mois
)

select
    variations.mois,
    cast(strftime('%Y', variations.mois) as integer) as annee,
    cast(strftime('%m', variations.mois) as integer) as numero_mois,
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
    coalesce(abs(variations.variation_nps) > variations.marge_variation_95, 0)
        as est_variation_significative,
    variations.nps = max(variations.nps) over () as est_meilleur_mois,
    variations.nps = min(variations.nps) over () as est_pire_mois
from variations
inner join mois_annee
    on cast(strftime('%m', variations.mois) as integer) = mois_annee.numero_mois
order by variations.mois;
