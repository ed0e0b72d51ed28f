"""Faults: concurrent refreshes, a refresh killed midway, and bad inputs beyond the
foundation's quarantine cases (empty file, header line, BOM, duplicates, truncated last line,
a new source value, labels in other case or with stray spaces), and a build that says what
it set aside."""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from support.analyse_dbt import amorcer_analyse
from support.chemins import RACINE
from support.commandes import (COMPLET, INGESTION, dbt, environnement, environnement_relatif,
                               lancer_module, rafraichir)
from support.lecture import lire_csv, requete, tables, tables_differentes
from support.partage import une_fois
from support.processus import enfants_de, vivant
from retailinsight.generateur import generer


def _demarrer(dossier, entrepot):
    """A refresh started in the background, run as `support.commandes.rafraichir` runs it
    (these tests are about its processes)."""
    cible = entrepot.with_name(entrepot.stem + "-target")
    amorcer_analyse(cible, entrepot.name)
    env = environnement_relatif(dossier, entrepot)
    return subprocess.Popen(
        [sys.executable, "-m", "retailinsight.rafraichir", *COMPLET, *INGESTION,
         "--target-path", str(cible)],
        cwd=entrepot.parent, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _attendre_verrou(entrepot, limite=60):
    verrou = entrepot.with_name(entrepot.name + ".lock")
    debut = time.time()
    while time.time() - debut < limite:
        if verrou.exists() and "pid" in verrou.read_text():
            return
        time.sleep(0.05)
    raise AssertionError("the first refresh never took the lock")


def test_deux_rafraichissements_simultanes(tmp_path):
    generer(tmp_path / "brut", 300, 4)
    entrepot = tmp_path / "w.duckdb"
    premier = _demarrer(tmp_path / "brut", entrepot)
    _attendre_verrou(entrepot)
    debut = time.time()
    second = rafraichir(tmp_path / "brut", entrepot, verifier=False)
    assert time.time() - debut < 15, "the second refresh fails fast"
    assert second.returncode == 75
    assert "is locked by another operation (refresh, pid" in second.stderr
    sortie, erreurs = premier.communicate(timeout=600)
    assert premier.returncode == 0, sortie[-3000:] + erreurs[-2000:]
    assert requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0] > 0


def test_rafraichissement_interrompu_laisse_l_etat_precedent(entrepot_genere, copie_entrepot,
                                                            tmp_path):
    # Yesterday's warehouse: a copy of the shared generated one (1,200 feedbacks); today's
    # export is larger, so that today's fact has more rows.
    generer(tmp_path / "aujourdhui", 1500, 6)
    entrepot = copie_entrepot
    nb_avant = requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0]
    processus = _demarrer(tmp_path / "aujourdhui", entrepot)
    _attendre_verrou(entrepot)
    en_cours = entrepot.with_name(entrepot.name + ".en-cours") / entrepot.name
    debut = time.time()
    while not en_cours.exists() and time.time() - debut < 30:
        time.sleep(0.05)
    time.sleep(3)  # dbt is now writing models into the working copy
    assert processus.poll() is None, "the refresh was still running when killed"
    os.killpg(processus.pid, signal.SIGKILL)
    processus.wait()
    # Every table as it was: the warehouse is still the copy of `entrepot_genere`.
    assert len(tables(entrepot)) > 40
    assert tables_differentes(entrepot, entrepot_genere) == []
    rafraichir(tmp_path / "aujourdhui", entrepot)  # the lock died with the process
    assert requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0] > nb_avant


def test_verrou_tenu_tant_que_dbt_tourne(tmp_path):
    """kill -9 of the refresh wrapper alone (not its process group) must not leave its dbt
    child running without the lock: the child dies with it, and only then may another
    refresh start."""
    generer(tmp_path / "brut", 300, 7)
    entrepot = tmp_path / "w.duckdb"
    premier = _demarrer(tmp_path / "brut", entrepot)
    _attendre_verrou(entrepot)
    debut = time.time()
    while not enfants_de(premier.pid) and time.time() - debut < 30:
        time.sleep(0.05)
    enfants = enfants_de(premier.pid)
    assert enfants, "the refresh never started dbt"
    time.sleep(1)
    os.kill(premier.pid, signal.SIGKILL)
    premier.wait()
    debut = time.time()
    while any(vivant(e) for e in enfants) and time.time() - debut < 20:
        time.sleep(0.1)
    assert not any(vivant(e) for e in enfants), "dbt outlived the refresh that started it"
    rafraichir(tmp_path / "brut", entrepot)
    assert requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0] > 0
    # Nothing of the killed run is left holding data: no working folder (copy, WAL, spill
    # folder), no decoded copy.
    assert not entrepot.with_name(entrepot.name + ".en-cours").exists()
    assert not [d for e in enfants for d in Path(tempfile.gettempdir()).glob(
        f"bestmarket-utf8-{e}-*")]


def test_apostrophes_dans_les_chemins(tmp_path, monkeypatch):
    """A quote in the raw folder's or the warehouse's path is data, never SQL: the refresh,
    the freshness check, the erasure with its compaction and the publication all work."""
    monkeypatch.setenv("BESTMARKET_CLE_SAUVEGARDE", secrets.token_urlsafe(32))  # the register
    brut = tmp_path / "r'aw"
    generer(brut, 200, 8)
    entrepot = tmp_path / "o'w" / "w.duckdb"
    rafraichir(brut, entrepot, relatif=False)  # the full path, quote included, reaches dbt
    cle = requete(entrepot, "select min(cle_retour_client) from marts.fct_retour_client")[0][0]
    # The freshness check and the erasure's `dbt run` below name the same warehouse as the
    # refresh did, with the same target folder (`o'w/target`, quote included): they reuse the
    # refresh's parse.
    fraicheur = subprocess.run(
        [dbt(), "source", "freshness"], cwd=RACINE,
        env=environnement(brut, entrepot), capture_output=True, text=True)
    assert "Runtime Error" not in fraicheur.stdout and "Parser Error" not in fraicheur.stdout, \
        fraicheur.stdout[-3000:]
    lancer_module("retailinsight.rgpd", "effacer", "--cle", cle, dossier_brut=brut,
                  entrepot=entrepot, relatif=False)
    assert requete(entrepot, "select count(*) from marts.fct_retour_client "
                   f"where cle_retour_client = {cle}")[0][0] == 0
    cles = {"BESTMARKET_CLE_SERVICE_CLIENT": secrets.token_urlsafe(32),
            "BESTMARKET_CLE_EQUIPE_DATA": secrets.token_urlsafe(32)}
    publication = subprocess.run(
        [sys.executable, "-m", "retailinsight.publication", "--entrepot", str(entrepot),
         "--dossier", str(tmp_path / "p'ub"), "--audience", "service_client", "--audience",
         "equipe_data"], cwd=RACINE,
        env=dict(environnement(brut, entrepot), **cles), capture_output=True, text=True)
    assert publication.returncode == 0, publication.stdout[-3000:] + publication.stderr[-3000:]
    assert list((tmp_path / "p'ub").glob("*.duckdb"))


def _ajouter(chemin, lignes, fin="\r\n"):
    with open(chemin, "ab") as fichier:
        fichier.write("".join(l + fin for l in lignes).encode("cp1252"))


@pytest.fixture(scope="module")
def entrepot_entrees_douteuses(tmp_path_factory):
    """One raw folder with: a header line on each CSV, duplicated rows, a new source value,
    labels in other case and with stray spaces, and a truncated last line. Built once per
    run; read it, or copy the warehouse to change it."""
    def construire(dossier):
        brut = dossier / "brut"
        generer(brut, 300, 8)
        for nom, entete in [("retour_client.csv", "cle_retour_client;note;cle_produit;ref_magasin;"
                             "date_achat;libelle_source;libelle_categorie;recommandation"),
                            ("produit.csv", "cle_produit;typologie_produit;titre_produit"),
                            ("ref_magasin.csv", "ref_magasin;departement;departement_commune;"
                             "libelle_de_commune;population;latitude;longitude")]:
            contenu = (brut / nom).read_bytes()
            (brut / nom).write_bytes(entete.encode("cp1252") + b"\r\n" + contenu)
        premiere = (brut / "retour_client.csv").read_bytes().split(b"\r\n")[1].decode("cp1252")
        _ajouter(brut / "retour_client.csv", [
            premiere, premiere,                                          # duplicated rows
            "800000001;9;1;1;2021-05-01;app mobile;drive;1",             # new source value
            "800000002;9;1;1;2021-05-01;  Email ;  DRIVE  ;1",            # case and spaces
            "800000003;7;1;1;2021-05-01;RÉSEAUX   Sociaux;Service Après-Vente;",
        ])
        _ajouter(brut / "retour_client.csv", ["800000004;8;1;1;2021-0"], fin="")  # truncated
        entrepot = dossier / "w.duckdb"
        # Everything (the new source is answered), and what the refresh printed.
        (dossier / "sortie.txt").write_text(rafraichir(brut, entrepot, *COMPLET).stdout)

    dossier = une_fois(tmp_path_factory, "douteuses", construire)
    return dossier / "brut", dossier / "w.duckdb"


def _motif(entrepot, condition):
    return [r[0] for r in requete(entrepot, "select motif_rejet from marts.fct_ligne_rejetee "
                                  f"where {condition}")]


def test_ligne_d_en_tete_en_quarantaine(entrepot_entrees_douteuses):
    _, entrepot = entrepot_entrees_douteuses
    for fichier in ("retour_client.csv", "produit.csv", "ref_magasin.csv"):
        assert _motif(entrepot, f"fichier_source = '{fichier}' and numero_ligne = 1") == \
            ["ligne d'en-tête"]


def test_lignes_dupliquees_fusionnees(entrepot_entrees_douteuses):
    brut, entrepot = entrepot_entrees_douteuses
    premiere = lire_csv(brut / "retour_client.csv")[1]
    assert requete(entrepot, "select count(*) from marts.fct_retour_client "
                   f"where cle_retour_client = {premiere[0]}")[0][0] == 1
    assert _motif(entrepot, f"cle = '{premiere[0]}'") == []


def test_nouvelle_source_gardee_et_repondue(entrepot_entrees_douteuses):
    """A well-formed row from a new channel is kept, answered under its own label, and the
    build warns naming the label (only malformed rows are rejected)."""
    _, entrepot = entrepot_entrees_douteuses
    assert _motif(entrepot, "cle = '800000001'") == []
    assert requete(entrepot, "select libelle_source from marts.fct_retour_client "
                   "where cle_retour_client = 800000001") == [("app mobile",)]
    assert requete(entrepot, "select nb_retours from answers.nb_retours_par_source "
                   "where libelle_source = 'app mobile'") == [(1,)]
    assert requete(entrepot, "select nb_reponses from answers.nps_par_source "
                   "where libelle_source = 'app mobile'") == [(1,)]


def test_le_build_dit_ce_qu_il_ecarte(entrepot_entrees_douteuses):
    """Rows set aside and new labels make the refresh's build end with WARN, and say which."""
    brut, entrepot = entrepot_entrees_douteuses
    sortie = (entrepot.parent / "sortie.txt").read_text()
    assert "WARN=0" not in sortie
    assert "assert_quarantaine_vide" in sortie
    assert "raw row(s) set aside in quarantine" in sortie
    assert "retour_client: 1 × nombre de champs incorrect" in sortie
    assert "new source label 'app mobile' (1 feedback(s))" in sortie
    resume = lancer_module("retailinsight.resume", "--entrepot", entrepot, dossier_brut=brut,
                           entrepot=entrepot).stdout
    assert "Quarantine of this refresh, by reason" in resume
    assert "app mobile" in resume


def test_build_propre_sans_avertissement(entrepot_echantillon):
    """The bundled sample sets nothing aside: no quarantine row, no new label."""
    assert requete(entrepot_echantillon,
                   "select count(*) from intermediate.int_ligne_rejetee")[0][0] == 0


def test_libelles_normalises(entrepot_entrees_douteuses):
    _, entrepot = entrepot_entrees_douteuses
    assert requete(entrepot, "select cle_retour_client, libelle_source, libelle_categorie, "
                   "recommandation from marts.fct_retour_client where cle_retour_client "
                   "in (800000002, 800000003) order by 1") == [
        (800000002, "email", "drive", True),
        (800000003, "réseaux sociaux", "service après-vente", None)]


def test_derniere_ligne_tronquee_en_quarantaine(entrepot_entrees_douteuses):
    _, entrepot = entrepot_entrees_douteuses
    assert _motif(entrepot, "contenu_brut = '800000004;8;1;1;2021-0'") == \
        ["nombre de champs incorrect: 5 au lieu de 8"]


def test_toujours_reconcilie(entrepot_entrees_douteuses):
    brut, entrepot = entrepot_entrees_douteuses
    lignes = (brut / "retour_client.csv").read_bytes().count(b"\r\n") + 1  # + truncated line
    csv_compte = requete(entrepot, "select nb_lignes_brutes, nb_lignes_retenues + "
                         "nb_doublons_fusionnes + nb_lignes_rejetees from "
                         "marts.rapprochement_lignes_brutes "
                         "where fichier_source = 'retour_client.csv'")[0]
    assert csv_compte == (lignes, lignes)


def test_fichier_vide_accepte(tmp_path):
    """An empty feedback export is an export with no new feedback: the CRM rows still load."""
    generer(tmp_path / "brut", 200, 9)
    (tmp_path / "brut" / "retour_client.csv").write_bytes(b"")
    entrepot = tmp_path / "w.duckdb"
    rafraichir(tmp_path / "brut", entrepot)
    assert requete(entrepot, "select nb_lignes_brutes from marts.rapprochement_lignes_brutes "
                   "where fichier_source = 'retour_client.csv'") in ([], [(0,)])
    assert requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0] > 0


def test_fichier_utf8_avec_bom_refuse(tmp_path):
    generer(tmp_path / "brut", 200, 9)
    chemin = tmp_path / "brut" / "produit.csv"
    texte = chemin.read_bytes().decode("cp1252")
    chemin.write_bytes(b"\xef\xbb\xbf" + texte.encode("utf-8"))
    entrepot = tmp_path / "w.duckdb"
    resultat = rafraichir(tmp_path / "brut", entrepot, verifier=False)
    assert resultat.returncode != 0
    assert f"raw file rejected: {chemin}, line 1: starts with a UTF-8 byte-order mark" \
        in resultat.stdout
    assert not entrepot.exists(), "a failed first refresh leaves no warehouse behind"


def test_copie_de_travail_nommee_hors_rafraichissement_refusee(tmp_path, monkeypatch):
    """BESTMARKET_WAREHOUSE_EN_COURS is the refresh's: left set in a shell after its refresh
    (its folder gone), or naming another file, it is refused, so that a build's writes never
    go to a copy that no refresh swaps in. Inside a refresh, DuckDB opens the copy."""
    from types import SimpleNamespace

    from retailinsight.dbt_plugin import Plugin

    plugin = Plugin("bestmarket_raw", {})
    entrepot = tmp_path / "w.duckdb"
    dossier = tmp_path / "w.duckdb.en-cours"

    def ouvre(copie) -> str:
        monkeypatch.setenv("BESTMARKET_WAREHOUSE_EN_COURS", str(copie))
        creds = SimpleNamespace(path=str(entrepot))
        plugin.update_connection_config(creds, {})
        return creds.path

    (tmp_path / "autre.en-cours").mkdir()
    for copie in (dossier / "w.duckdb",  # its refresh ended: the folder is gone
                  tmp_path / "autre.en-cours" / "w.duckdb"):  # not this warehouse's folder
        with pytest.raises(RuntimeError, match="names no refresh working copy"):
            ouvre(copie)
    dossier.mkdir()
    with pytest.raises(RuntimeError, match="names no refresh working copy"):
        ouvre(dossier / "x.duckdb")  # another file name: another database name
    assert ouvre(dossier / "w.duckdb") == str(dossier / "w.duckdb")
