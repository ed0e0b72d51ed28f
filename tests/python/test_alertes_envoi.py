"""The morning digests, their sending and the acknowledgement log, against a real SMTP server on
the loopback (aiosmtpd: STARTTLS with a generated authority, AUTH LOGIN).

First on hand-made warehouses (alerts written by hand, as the contract of `alertes.alerte`
says), night after night: what each audience receives, new / closed / overdue, a rerun sends
nothing, a département never reads another's stores; then end to end on a generated folder
with an NPS drop injected in one store, through the real build and the nightly's send step."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import secrets
import subprocess
import sys

import duckdb
import pytest

from support.chemins import RACINE
from support.smtp import UTILISATEUR, demarrer, port_libre

from retailinsight import alertes, publication
from retailinsight.referentiel import DEPARTEMENTS
from retailinsight.verrou import verrou

NUIT = dt.date(2026, 3, 2)
MATIN = dt.datetime(2026, 3, 2, 4, 0)
# Store names as the generator writes them (dim_magasin.libelle_commune).
MAGASINS = {code: communes for code, (_, _, _, communes) in DEPARTEMENTS.items()}

COLONNES_ALERTE = """(id_alerte varchar, type_alerte varchar, niveau_portee varchar,
    code_portee varchar, libelle_portee varchar, code_departement varchar, periode_debut date,
    periode_fin date, valeur double, reference double, limite double, nb_reponses bigint,
    gravite varchar, message varchar)"""


def alerte(type_alerte: str, niveau: str, code: str, libelle: str, departement: str | None,
           message: str, debut: dt.date = dt.date(2026, 2, 1)) -> tuple:
    return (f"{type_alerte}|{niveau}|{code}|{debut.isoformat()}", type_alerte, niveau, code,
            libelle, departement, debut, debut + dt.timedelta(days=27), -12.0, 30.0, 10.0,
            300, "alerte", message)


BAISSE_MEAUX = alerte("nps_baisse", "magasin", "13", "Meaux", "77",
                      "Le NPS de Meaux est tombé à 18 points sur 28 jours, sous sa limite de 22.")
BAISSE_PARIS = alerte("nps_baisse", "magasin", "2", "Paris 3e Arrondissement", "75",
                      "Le NPS de Paris 3e Arrondissement est tombé à 5 points, sous sa limite.")
EXPORT = alerte("export_perime", "export", "retour_client.csv", "retour_client.csv", None,
                "L'export retour_client.csv date de 40 heures, au-delà de 26 heures.")


def entrepot_a_la_main(chemin, lignes_alertes) -> None:
    """A warehouse holding what the digests read: the alerts, the network's and the
    départements' NPS, the reconciliation of raw rows."""
    with duckdb.connect(str(chemin)) as base:
        for schema in ("alertes", "answers", "rapport", "marts"):
            base.execute(f"create schema if not exists {schema}")
        base.execute(f"create or replace table alertes.alerte {COLONNES_ALERTE}")
        if lignes_alertes:
            base.executemany("insert into alertes.alerte values "
                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", lignes_alertes)
        base.execute("create or replace table answers.nps_global as select 1200::bigint as "
                     "nb_reponses, 31.25 as nps, 4.5 as marge_erreur_95")
        base.execute("create or replace table rapport.nps_par_departement as select * from "
                     "(values ('75', 'Paris', 150::bigint, 12.5, 11.0), "
                     "('77', 'Seine-et-Marne', 140::bigint, 20.0, 12.0)) "
                     "as t(code_departement, nom_departement, nb_reponses, nps, marge_erreur_95)")
        base.execute("create or replace table marts.rapprochement_lignes_brutes as select * "
                     "from (values ('retour_client.csv', 7::bigint), ('produit.csv', 2::bigint))"
                     " as t(fichier_source, nb_lignes_rejetees)")


def remplacer_alertes(chemin, lignes_alertes) -> None:
    with duckdb.connect(str(chemin)) as base:
        base.execute("delete from alertes.alerte")
        if lignes_alertes:
            base.executemany("insert into alertes.alerte values "
                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", lignes_alertes)


@pytest.fixture
def smtp(tmp_path):
    etat, controleur = demarrer(tmp_path, secrets.token_urlsafe(16))
    yield etat
    controleur.stop()


DESTINATAIRES = {"BESTMARKET_ALERTES_DESTINATAIRES_DIRECTION": "direction@bestmarket.test",
                 "BESTMARKET_ALERTES_DESTINATAIRES_SERVICE_CLIENT":
                     "Lead SC <sc@bestmarket.test>, sc2@bestmarket.test",
                 "BESTMARKET_ALERTES_DESTINATAIRES_EQUIPE_DATA": "data@bestmarket.test",
                 **{f"BESTMARKET_ALERTES_DESTINATAIRES_DEPARTEMENT_{c}":
                    f"magasins{c}@bestmarket.test" for c in DEPARTEMENTS}}


@pytest.fixture
def configure(smtp, monkeypatch, tmp_path):
    """The product's settings pointed at the loopback server."""
    for nom, valeur in {**smtp.environnement(), **DESTINATAIRES,
                        "BESTMARKET_ALERTES_DOSSIER": str(tmp_path / "pages")}.items():
        monkeypatch.setenv(nom, valeur)
    return smtp


def par_destinataire(recus) -> dict[str, str]:
    return {",".join(sorted(r.destinataires)): r.texte() for r in recus}


def test_premiere_nuit_puis_relance_puis_fermeture(tmp_path, configure):
    """Night 1: every audience that has alerts gets them as new, a département only its own,
    the chain's export alert only the direction and the customer service; a rerun of the night
    sends nothing; night 2: the alert of Meaux has ended, it is sent as closed to the direction,
    the customer service and the 77, and to no one else."""
    smtp = configure
    entrepot = tmp_path / "w.duckdb"
    entrepot_a_la_main(entrepot, [BAISSE_MEAUX, BAISSE_PARIS, EXPORT])
    bilan = alertes.envoyer(entrepot, NUIT, maintenant=MATIN)
    recus = par_destinataire(smtp.recus)
    assert set(recus) == {"direction@bestmarket.test", "sc2@bestmarket.test,sc@bestmarket.test",
                          "magasins77@bestmarket.test", "magasins75@bestmarket.test"}, recus
    assert all(r.tls and r.utilisateur == UTILISATEUR and r.expediteur == UTILISATEUR
               for r in smtp.recus)
    for texte in (recus["direction@bestmarket.test"],
                  recus["sc2@bestmarket.test,sc@bestmarket.test"]):
        assert "3 nouvelles" in texte and "Meaux" in texte and "retour_client.csv" in texte
    assert "Meaux" in recus["magasins77@bestmarket.test"]
    assert "Paris" not in recus["magasins77@bestmarket.test"]
    assert "retour_client.csv" not in recus["magasins77@bestmarket.test"]
    assert "Meaux" not in recus["magasins75@bestmarket.test"]
    assert bilan.ignores["departement_91"] == "nothing new since its previous digest"
    # The figures: the network's for the direction, the département's for the 77.
    assert "+31,2 ± 4,5 points" in recus["direction@bestmarket.test"]
    assert "1\u202f200" in recus["direction@bestmarket.test"]
    assert "+20,0 ± 12,0 points" in recus["magasins77@bestmarket.test"]
    assert "Lignes écartées (quarantaine, tout le réseau) : 9" in \
        recus["magasins77@bestmarket.test"]
    # Every audience has its page, the same as its e-mail's HTML part, self-contained.
    pages = tmp_path / "pages"
    assert sorted(p.name for p in pages.iterdir()) == sorted(
        f"{a}.html" for a in alertes.audiences())
    envoye = next(r for r in smtp.recus if r.destinataires == ["magasins77@bestmarket.test"])
    assert envoye.html().replace("\r\n", "\n") == (pages / "departement_77.html").read_text(
        encoding="utf-8")
    for chemin in pages.iterdir():
        contenu = chemin.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)\s*=|url\(|@import|<script|<link", contenu), chemin

    # The night is rerun: nothing is sent again.
    avant = len(smtp.recus)
    bilan = alertes.envoyer(entrepot, NUIT, maintenant=MATIN + dt.timedelta(hours=1))
    assert len(smtp.recus) == avant
    assert bilan.ignores["direction"] == f"already sent for the night of {NUIT}"

    # Night 2: Meaux is back to normal.
    remplacer_alertes(entrepot, [BAISSE_PARIS, EXPORT])
    lendemain = MATIN + dt.timedelta(days=1)
    alertes.envoyer(entrepot, NUIT + dt.timedelta(days=1), maintenant=lendemain)
    nouveaux = par_destinataire(smtp.recus[avant:])
    assert set(nouveaux) == {"direction@bestmarket.test", "sc2@bestmarket.test,sc@bestmarket.test",
                             "magasins77@bestmarket.test"}, nouveaux
    assert "0 nouvelle, 1 close" in nouveaux["magasins77@bestmarket.test"]
    assert "Alertes closes (1)" in nouveaux["magasins77@bestmarket.test"]
    assert "depuis le digest du 2 mars 2026" in smtp.recus[-1].html()


def test_en_retard_apres_48_heures_sauf_traitee(tmp_path, configure):
    """An alert open for more than 48 hours and not handled is overdue: the digest of the night
    it becomes so is sent (once); an alert handled is not overdue; seen is not handled."""
    smtp = configure
    entrepot = tmp_path / "w.duckdb"
    entrepot_a_la_main(entrepot, [BAISSE_MEAUX, BAISSE_PARIS])
    alertes.envoyer(entrepot, NUIT, maintenant=MATIN)
    alertes.acquitter(entrepot, BAISSE_PARIS[0], "Claire M.", "traitee", "appel au magasin",
                      maintenant=MATIN + dt.timedelta(hours=2))
    alertes.acquitter(entrepot, BAISSE_MEAUX[0], "Jean D.", "vue",
                      maintenant=MATIN + dt.timedelta(hours=2))
    avant = len(smtp.recus)
    alertes.envoyer(entrepot, NUIT + dt.timedelta(days=1), maintenant=MATIN + dt.timedelta(days=1))
    assert len(smtp.recus) == avant, "nothing changed, nothing overdue yet: nothing sent"
    alertes.envoyer(entrepot, NUIT + dt.timedelta(days=2), maintenant=MATIN + dt.timedelta(days=2))
    nouveaux = par_destinataire(smtp.recus[avant:])
    assert set(nouveaux) == {"direction@bestmarket.test", "sc2@bestmarket.test,sc@bestmarket.test",
                             "magasins77@bestmarket.test"}, nouveaux
    texte = nouveaux["magasins77@bestmarket.test"]
    assert "1 en retard" in texte and "Meaux" in texte.split("En retard")[1]
    direction = nouveaux["direction@bestmarket.test"]
    assert "Paris 3e" not in direction.split("En retard")[1], "handled: not overdue"
    # Names of who acknowledged stay out of the digests.
    assert all("Claire" not in r.texte() and "Jean D" not in r.texte() for r in smtp.recus)
    # The next night: still overdue, but already said: nothing sent.
    avant = len(smtp.recus)
    alertes.envoyer(entrepot, NUIT + dt.timedelta(days=3), maintenant=MATIN + dt.timedelta(days=3))
    assert len(smtp.recus) == avant
    with duckdb.connect(str(entrepot), read_only=True) as base:
        base.execute("use w")
        etats = {e["id_alerte"]: e for e in alertes.etat_alertes(
            base, MATIN + dt.timedelta(days=3))}
    assert etats[BAISSE_MEAUX[0]]["etat"] == "vue" and etats[BAISSE_MEAUX[0]]["est_en_retard"]
    assert etats[BAISSE_PARIS[0]]["etat"] == "traitee"
    assert not etats[BAISSE_PARIS[0]]["est_en_retard"]
    assert etats[BAISSE_PARIS[0]]["acquitte_par"] == "Claire M."


def test_un_departement_ne_lit_que_ses_magasins(tmp_path, configure):
    """One alert for a store of every département, and chain alerts: each département's
    message and page names only its own stores (every other département's store names
    scanned for)."""
    smtp = configure
    entrepot = tmp_path / "w.duckdb"
    lignes = [EXPORT]
    for code, communes in MAGASINS.items():
        for numero, commune in enumerate(communes[:3]):
            lignes.append(alerte("volume_effondrement", "magasin", f"{code}{numero}", commune,
                                 code, f"Le volume de retours de {commune} s'est effondré."))
    entrepot_a_la_main(entrepot, lignes)
    alertes.envoyer(entrepot, NUIT, maintenant=MATIN)
    assert len(smtp.recus) == 2 + len(DEPARTEMENTS)
    for code in DEPARTEMENTS:
        recu = next(r for r in smtp.recus if r.destinataires == [f"magasins{code}@bestmarket.test"])
        page = (tmp_path / "pages" / f"departement_{code}.html").read_text(encoding="utf-8")
        for texte in (recu.texte(), page):
            assert all(c in texte for c in MAGASINS[code][:3])
            autres = [c for autre, communes in MAGASINS.items() if autre != code
                      for c in communes if c not in " ".join(MAGASINS[code])]
            assert [c for c in autres if c in texte] == [], code
            assert "retour_client.csv" not in texte


def test_mauvais_mot_de_passe_serveur_injoignable_sans_starttls(tmp_path, configure, monkeypatch):
    """A refused login, an unreachable server or an untrusted certificate: EchecEnvoi naming
    the cause, nothing sent, nothing logged (the next run sends it)."""
    smtp = configure
    entrepot = tmp_path / "w.duckdb"
    entrepot_a_la_main(entrepot, [BAISSE_MEAUX])
    monkeypatch.setenv("BESTMARKET_SMTP_MOT_DE_PASSE", "pas-le-bon")
    with pytest.raises(alertes.EchecEnvoi, match="refused the login of alertes@bestmarket.test"):
        alertes.envoyer(entrepot, NUIT, maintenant=MATIN)
    assert smtp.connexions_refusees == 1 and smtp.recus == []
    monkeypatch.setenv("BESTMARKET_SMTP_MOT_DE_PASSE", smtp.mot_de_passe)
    monkeypatch.setenv("BESTMARKET_SMTP_CA", str(tmp_path / "serveur.pem"))  # not the authority
    with pytest.raises(alertes.EchecEnvoi, match="does not verify"):
        alertes.envoyer(entrepot, NUIT, maintenant=MATIN)
    monkeypatch.setenv("BESTMARKET_SMTP_CA", str(smtp.autorite))
    monkeypatch.setenv("BESTMARKET_SMTP_PORT", str(port_libre()))
    with pytest.raises(alertes.EchecEnvoi, match="cannot reach the SMTP server 127.0.0.1"):
        alertes.envoyer(entrepot, NUIT, maintenant=MATIN)
    assert smtp.recus == []
    monkeypatch.setenv("BESTMARKET_SMTP_PORT", str(smtp.port))
    alertes.envoyer(entrepot, NUIT, maintenant=MATIN)
    assert len(smtp.recus) == 3, "sent once the server works"
    # Nothing left to send: the login is still checked, so a wrong password shows tonight.
    monkeypatch.setenv("BESTMARKET_SMTP_MOT_DE_PASSE", "pas-le-bon")
    with pytest.raises(alertes.EchecEnvoi, match="refused the login"):
        alertes.envoyer(entrepot, NUIT, maintenant=MATIN)


def test_la_commande_echoue_fort_sur_un_mauvais_mot_de_passe(tmp_path, smtp):
    entrepot = tmp_path / "w.duckdb"
    entrepot_a_la_main(entrepot, [BAISSE_MEAUX])
    env = {**{k: v for k, v in os.environ.items()
              if not k.startswith("BESTMARKET_")}, **smtp.environnement(), **DESTINATAIRES,
           "BESTMARKET_SMTP_MOT_DE_PASSE": "pas-le-bon", "PYTHONPATH": str(RACINE),
           "BESTMARKET_ALERTES_DOSSIER": str(tmp_path / "pages")}
    resultat = subprocess.run([sys.executable, "-m", "retailinsight.alertes", "--entrepot",
                               str(entrepot), "envoyer"], env=env, capture_output=True, text=True)
    assert resultat.returncode == 1
    assert "refused the login" in resultat.stderr and "BESTMARKET_SMTP_MOT_DE_PASSE" in \
        resultat.stderr
    assert "pas-le-bon" not in resultat.stdout + resultat.stderr
    assert smtp.recus == []


def test_message_d_echec_une_fois_par_nuit(tmp_path, configure):
    smtp = configure
    entrepot = tmp_path / "w.duckdb"
    entrepot_a_la_main(entrepot, [])
    etape = alertes.etape_en_echec('{"preconditions": {"outcome": "success"}, '
                                   '"rafraichissement": {"outcome": "failure"}}')
    assert etape == "rafraichissement"
    alertes.signaler_echec(entrepot, etape, 1, NUIT, MATIN)
    alertes.signaler_echec(entrepot, etape, 1, NUIT, MATIN)
    assert len(smtp.recus) == 1
    assert smtp.recus[0].destinataires == ["data@bestmarket.test"]
    assert "« rafraichissement » (exit 1)" in smtp.recus[0].texte()
    alertes.signaler_echec(tmp_path / "absent.duckdb", "preconditions", 2, NUIT, MATIN)
    assert len(smtp.recus) == 2, "with no warehouse to log in, it is still sent"


def test_essai(configure):
    assert alertes.essai() == ["data@bestmarket.test"]
    assert "message d'essai" in configure.recus[0].texte()


def test_acquittement_verrouille_et_verifie(tmp_path):
    entrepot = tmp_path / "w.duckdb"
    entrepot_a_la_main(entrepot, [BAISSE_MEAUX])
    with pytest.raises(ValueError, match="no alert"):
        alertes.acquitter(entrepot, "nps_baisse|magasin|99|2026-02-01", "Claire", "vue")
    with pytest.raises(ValueError, match="unknown state"):
        alertes.acquitter(entrepot, BAISSE_MEAUX[0], "Claire", "oubliee")
    with pytest.raises(ValueError, match="who acknowledges"):
        alertes.acquitter(entrepot, BAISSE_MEAUX[0], "  ", "vue")
    from retailinsight.erreurs import VerrouPris
    with verrou(entrepot, "refresh"):
        with pytest.raises(VerrouPris):
            alertes.acquitter(entrepot, BAISSE_MEAUX[0], "Claire", "vue")
    alertes.acquitter(entrepot, BAISSE_MEAUX[0], "Claire", "vue", "vu au point du matin")
    with duckdb.connect(str(entrepot), read_only=True) as base:
        assert base.execute("select acquitte_par, etat, note from suivi_alertes.acquittement"
                            ).fetchall() == [("Claire", "vue", "vu au point du matin")]


def test_le_suivi_traverse_sauvegarde_et_restauration(tmp_path, configure, monkeypatch):
    """The follow-up tables are plain tables: a backup holds them and its restore brings them
    back, so the next night (a CI runner restores its cache) knows what was sent."""
    from retailinsight import sauvegarde

    monkeypatch.setenv("BESTMARKET_CLE_SAUVEGARDE", secrets.token_urlsafe(32))
    entrepot = tmp_path / "w.duckdb"
    entrepot_a_la_main(entrepot, [BAISSE_MEAUX])
    alertes.envoyer(entrepot, NUIT, maintenant=MATIN)
    alertes.acquitter(entrepot, BAISSE_MEAUX[0], "Claire", "vue", maintenant=MATIN)
    copie = sauvegarde.creer(entrepot, tmp_path / "sauvegardes")
    sauvegarde.restaurer(copie, tmp_path / "restaure.duckdb")
    with duckdb.connect(str(tmp_path / "restaure.duckdb"), read_only=True) as base:
        assert base.execute("select count(*) from suivi_alertes.envoi").fetchone()[0] == 3
        assert base.execute("select count(*) from suivi_alertes.acquittement").fetchone()[0] == 1
    avant = len(configure.recus)
    alertes.envoyer(tmp_path / "restaure.duckdb", NUIT, maintenant=MATIN)
    assert len(configure.recus) == avant, "the restored warehouse knows the night was sent"


def test_les_audiences_publiees_ne_recoivent_pas_le_suivi():
    """The follow-up tables (names of who acknowledged) go to no published audience but the
    data team's."""
    tables = ["answers.nps_global", "suivi_alertes.acquittement", "suivi_alertes.envoi",
              "marts.fct_retour_client", "marts.dim_magasin", "marts.dim_produit"]
    for audience in publication.audiences():
        if audience != "equipe_data":
            assert not [t for t in publication.contenu_audience(audience, tables)
                        if t.startswith("suivi_alertes.")], audience


def test_configuration_incomplete_arretee_avant_la_nuit(monkeypatch):
    monkeypatch.setenv("BESTMARKET_SMTP_SERVEUR", "smtp.bestmarket.test")
    monkeypatch.delenv("BESTMARKET_SMTP_MOT_DE_PASSE", raising=False)
    monkeypatch.setenv("BESTMARKET_SMTP_UTILISATEUR", "alertes")
    assert "BESTMARKET_SMTP_MOT_DE_PASSE" in " ".join(alertes.problemes_configuration())
    monkeypatch.delenv("BESTMARKET_SMTP_SERVEUR")
    assert alertes.problemes_configuration() == []


# ---- End to end: the nightly on a generated folder with an NPS drop in one store ----------

MAGASIN_EN_BAISSE = "12"  # the generator's first store of the 77: Meaux
DEBUT_BAISSE = "2022-01-01"  # the generated purchases end on 2022-03-31


def injecter_baisse(dossier, magasin: str, depuis: str) -> int:
    """Every feedback of store `magasin` bought from `depuis` on gets the note 0, in both
    exports (the CSV rewritten in its own format); return how many rows were changed."""
    import sqlite3

    changes = 0
    lignes = (dossier / "retour_client.csv").read_bytes().decode("cp1252").split("\r\n")
    for i, ligne in enumerate(lignes):
        champs = ligne.split(";")
        if len(champs) == 8 and champs[3] == magasin and champs[4] >= depuis:
            champs[1] = "0"
            lignes[i] = ";".join(champs)
            changes += 1
    (dossier / "retour_client.csv").write_bytes("\r\n".join(lignes).encode("cp1252"))
    with sqlite3.connect(dossier / "Satisfaction.db") as base:
        changes += base.execute("update retour_client set note = 0 where ref_magasin = ? and "
                                "date_achat >= ?", [int(magasin), depuis]).rowcount
    return changes


def cles_brutes(dossier) -> set[str]:
    """Every feedback key of the raw exports, as text."""
    import sqlite3

    cles = {ligne.split(";")[0] for ligne in
            (dossier / "retour_client.csv").read_bytes().decode("cp1252").split("\r\n") if ligne}
    with sqlite3.connect(dossier / "Satisfaction.db") as base:
        cles |= {str(c) for c, in base.execute("select cle_retour_client from retour_client")}
    return cles


def environnement_nuit(tmp_path, smtp, **autres) -> dict:
    env = {c: v for c, v in os.environ.items()
           if not c.startswith(("BESTMARKET_", "DBT_")) or c == "BESTMARKET_DBT_THREADS"}
    env.update(
        BESTMARKET_RAW_DIR=str(tmp_path / "brut"),
        BESTMARKET_WAREHOUSE=str(tmp_path / "w" / "w.duckdb"),
        BESTMARKET_CLE_SAUVEGARDE=CLE_NUIT, BESTMARKET_RETENTION_MOIS="1200",
        BESTMARKET_CONFIG=str(tmp_path / "environnement.toml"),
        BESTMARKET_REPORT=str(tmp_path / "rapport" / "rapport_nps.html"),
        BESTMARKET_ALERTES_DOSSIER=str(tmp_path / "rapport" / "alertes"),
        DBT_TARGET_PATH=str(tmp_path / "target"), DBT_LOG_PATH=str(tmp_path / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false", PYTHONPATH=str(RACINE),
        **smtp.environnement(), **DESTINATAIRES)
    env.update(autres)
    return env


CLE_NUIT = secrets.token_urlsafe(32)


def nuit(tmp_path, env, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "retailinsight.cli", *arguments], cwd=tmp_path,
                          env=env, capture_output=True, text=True)


def test_la_nuit_envoie_les_digests_une_fois_et_echoue_fort(tmp_path, smtp):
    """The nightly on a generated folder whose store Meaux (77) lost every promoter over its
    last three months: the real build raises the alerts, the nightly sends exactly one digest
    to each audience that has alerts (the direction, the customer service, each département
    with alerts of its own), Meaux's drop to the 77; each département's message names only its
    stores; no message holds a feedback key. A rerun sends nothing; with a wrong password the
    nightly fails loudly, after the warehouse was refreshed and saved; an unreachable server
    fails the send step; a night stopped at its first step tells the data team, once."""
    from retailinsight.generateur import generer

    if not (RACINE / "models" / "marts" / "alertes" / "alerte.sql").is_file():
        pytest.skip("the alert models (models/marts/alertes/alerte.sql) are not in this tree")
    generer(tmp_path / "brut", 24_000, 5)
    assert injecter_baisse(tmp_path / "brut", MAGASIN_EN_BAISSE, DEBUT_BAISSE) > 30
    env = environnement_nuit(tmp_path, smtp)
    resultat = nuit(tmp_path, env, "nightly", "--backups", tmp_path / "cache")
    assert resultat.returncode == 0, resultat.stdout[-3000:] + resultat.stderr[-3000:]
    entrepot = tmp_path / "w" / "w.duckdb"

    with duckdb.connect(str(entrepot), read_only=True) as base:
        lignes = base.execute("select id_alerte, type_alerte, code_portee, code_departement "
                              "from alertes.alerte").fetchall()
        magasins = dict(base.execute(
            "select code_departement, list(libelle_commune) from marts.dim_magasin "
            "group by all").fetchall())
        cles = {str(c) for c, in base.execute(
            "select cle_retour_client from marts.fct_retour_client").fetchall()} | \
            cles_brutes(tmp_path / "brut")
    assert ("nps_baisse", MAGASIN_EN_BAISSE, "77") in {(t, p, d) for _, t, p, d in lignes}, lignes
    attendus = {"direction@bestmarket.test", "sc2@bestmarket.test,sc@bestmarket.test"} | {
        f"magasins{d}@bestmarket.test" for _, _, _, d in lignes if d}
    recus = par_destinataire(smtp.recus)
    assert len(smtp.recus) == len(attendus) and set(recus) == attendus, sorted(recus)
    assert "Meaux" in recus["magasins77@bestmarket.test"]
    pages = {p.stem: p.read_text(encoding="utf-8")
             for p in (tmp_path / "rapport" / "alertes").iterdir()}
    for recu in smtp.recus:
        contenu = recu.texte()
        assert not set(re.findall(r"\d+", contenu)) & cles, recu.destinataires
        if recu.destinataires[0].startswith("magasins"):
            code = recu.destinataires[0][len("magasins"):len("magasins") + 2]
            for texte in (contenu, pages[f"departement_{code}"]):
                autres = [m for d, noms in magasins.items() if d != code for m in noms
                          if not any(m in n for n in magasins[code])]
                assert [m for m in autres if m in texte] == [], code
    for texte in pages.values():
        assert not set(re.findall(r"\d+", texte)) & cles
    # The report lists the alerts with their state; a département's page only its own.
    baisse = next(i for i, t, p, _ in lignes if (t, p) == ("nps_baisse", MAGASIN_EN_BAISSE))
    rapport = tmp_path / "rapport"
    assert html.escape(baisse) in (rapport / "rapport_nps.html").read_text(encoding="utf-8")
    assert html.escape(baisse) in (rapport / "departement_77" / "index.html").read_text(
        encoding="utf-8")
    assert html.escape(baisse) in (rapport / "departement_77" /
                                   f"magasin_{MAGASIN_EN_BAISSE}.html").read_text(encoding="utf-8")
    assert html.escape(baisse) not in (rapport / "departement_75" / "index.html").read_text(
        encoding="utf-8")

    # The night is rerun: nothing is sent again.
    relance = nuit(tmp_path, env, "alerts", "send")
    assert relance.returncode == 0, relance.stderr
    assert len(smtp.recus) == len(attendus)
    assert "already sent for the night" in relance.stdout

    # A wrong password: the nightly fails loudly, once the warehouse is refreshed and saved.
    avant = entrepot.stat()
    sauvegardes = set((tmp_path / "cache").iterdir())
    faux = dict(env, BESTMARKET_SMTP_MOT_DE_PASSE="pas-le-bon")
    echoue = nuit(tmp_path, faux, "nightly", "--backups", tmp_path / "cache")
    assert echoue.returncode == 1, echoue.stderr[-3000:]
    assert "refused the login of alertes@bestmarket.test" in echoue.stderr
    assert "stopped at `python -m retailinsight.alertes envoyer`" in echoue.stderr
    assert "pas-le-bon" not in echoue.stdout + echoue.stderr
    journal = echoue.stderr
    assert journal.index("== python -m retailinsight.rafraichir nuit") < journal.index(
        "== python -m retailinsight.sauvegarde creer") < journal.index("refused the login")
    assert entrepot.stat().st_mtime_ns > avant.st_mtime_ns, "the refresh swapped a new one in"
    assert set((tmp_path / "cache").iterdir()) != sauvegardes, "the night's backup was made"
    assert len(smtp.recus) == len(attendus), "nothing sent, not even a failure message"
    with duckdb.connect(str(entrepot), read_only=True) as base:
        assert base.execute("select count(*) from suivi_alertes.envoi where nature = 'digest'"
                            ).fetchone()[0] == len(attendus), "the send log survived the refresh"

    # A server that cannot be reached.
    injoignable = nuit(tmp_path, dict(env, BESTMARKET_SMTP_PORT=str(port_libre())), "alerts",
                       "send", "--night", "2030-01-01")
    assert injoignable.returncode == 1
    assert "cannot reach the SMTP server 127.0.0.1" in injoignable.stderr

    # A night stopped at its first step (a file missing from the exports): one message.
    (tmp_path / "brut" / "produit.csv").unlink()
    for _ in range(2):
        arretee = nuit(tmp_path, env, "nightly", "--backups", tmp_path / "cache")
        assert arretee.returncode == 2, arretee.stderr[-2000:]
    assert len(smtp.recus) == len(attendus) + 1
    assert smtp.recus[-1].destinataires == ["data@bestmarket.test"]
    assert "retailinsight.nuit" in smtp.recus[-1].texte()


def test_essai_sur_le_serveur_local_comme_la_doc_le_dit(tmp_path):
    """The lines of docs/exploitation.md that try the digests on a local server, run as written
    from a user's folder: the test message arrives, through STARTTLS and a login."""
    doc = (RACINE / "docs" / "exploitation.md").read_text(encoding="utf-8")
    bloc = re.search(r"<!-- essai-smtp:debut -->\n```sh\n(.*?)```\n<!-- essai-smtp:fin -->",
                     doc, re.S).group(1)
    for nom in (".venv", "tests"):
        (tmp_path / nom).symlink_to(RACINE / nom)
    env = {c: v for c, v in os.environ.items() if not c.startswith("BESTMARKET_")}
    env["PATH"] = f"{RACINE / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    resultat = subprocess.run(["bash", "-euc", bloc + "kill %1\nwait\n"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    recu = (tmp_path / "courrier" / "1.eml").read_text()
    assert "moi@example.org" in recu and "message d'essai" in resultat.stdout + recu
    assert "BESTMARKET_SMTP_MOT_DE_PASSE" in (tmp_path / "courrier.env").read_text()
