"""Faults: concurrent refreshes, a refresh killed midway, and bad inputs beyond the
foundation's quarantine cases (empty file, header line, BOM, duplicates, truncated last line,
a new source value, labels in other case or with stray spaces)."""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import (RACINE, contenu_table, environnement, lire_csv, rafraichir, requete,
                      tables)
from retailinsight.generateur import generer


def _demarrer(dossier, entrepot):
    return subprocess.Popen(
        [sys.executable, "-m", "retailinsight.rafraichir", "build", "--target-path",
         str(entrepot.with_name(entrepot.stem + "-target"))],
        cwd=RACINE, env=environnement(dossier, entrepot), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True)


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


def test_rafraichissement_interrompu_laisse_l_etat_precedent(tmp_path):
    generer(tmp_path / "hier", 300, 5)
    generer(tmp_path / "aujourdhui", 600, 6)
    entrepot = tmp_path / "w.duckdb"
    rafraichir(tmp_path / "hier", entrepot)
    avant = {t: contenu_table(entrepot, t) for t in tables(entrepot)}
    processus = _demarrer(tmp_path / "aujourdhui", entrepot)
    _attendre_verrou(entrepot)
    en_cours = entrepot.with_name(entrepot.name + ".en-cours")
    debut = time.time()
    while not en_cours.exists() and time.time() - debut < 30:
        time.sleep(0.05)
    time.sleep(3)  # dbt is now writing models into the working copy
    assert processus.poll() is None, "the refresh was still running when killed"
    os.killpg(processus.pid, signal.SIGKILL)
    processus.wait()
    assert {t: contenu_table(entrepot, t) for t in tables(entrepot)} == avant
    rafraichir(tmp_path / "aujourdhui", entrepot)  # the lock died with the process
    assert requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0] > \
        len(avant["marts.fct_retour_client"])


def _ajouter(chemin, lignes, fin="\r\n"):
    with open(chemin, "ab") as fichier:
        fichier.write("".join(l + fin for l in lignes).encode("cp1252"))


@pytest.fixture(scope="module")
def entrepot_entrees_douteuses(tmp_path_factory):
    """One raw folder with: a header line on each CSV, duplicated rows, a new source value,
    labels in other case and with stray spaces, and a truncated last line."""
    dossier = tmp_path_factory.mktemp("douteuses")
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
    rafraichir(brut, entrepot)
    return brut, entrepot


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


def test_nouvelle_source_en_quarantaine(entrepot_entrees_douteuses):
    _, entrepot = entrepot_entrees_douteuses
    assert _motif(entrepot, "cle = '800000001'") == ["source inconnue: app mobile"]


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
