"""Bad input ends in quarantine with its reason, or stops the build naming the file."""

import sqlite3

import pytest

from support.commandes import INGESTION, SANS_TESTS_UNITAIRES, lancer_dbt
from support.lecture import lire_csv, requete
from support.partage import une_fois

# What loading builds (selectors.yml): the quarantine and its tests, not the answers.
CHARGEMENT = ("build", *SANS_TESTS_UNITAIRES, *INGESTION)
from retailinsight.generateur import generer

# (raw CSV line, expected start of the rejection reason)
LIGNES_RETOUR_INVALIDES = [
    ("900000001;8;1;1;2021-05-01;email;drive", "nombre de champs incorrect: 7 au lieu de 8"),
    ("900000002;8;1;1;2021-05-01;email;drive;1;x", "nombre de champs incorrect: 9 au lieu de 8"),
    ("900000003;11;1;1;2021-05-01;email;drive;1", "note hors de 0 à 10"),
    ("900000004;-1;1;1;2021-05-01;email;drive;1", "note hors de 0 à 10"),
    ("900000005;huit;1;1;2021-05-01;email;drive;1", "note non numérique"),
    ("900000006;8.5;1;1;2021-05-01;email;drive;1", "note non numérique"),
    ("900000007;;1;1;2021-05-01;email;drive;1", "note absente"),
    ("900000008;8;1;1;2021-13-45;email;drive;1", "date d'achat illisible"),
    ("900000009;8;1;1;2021-02-30;email;drive;1", "date d'achat illisible"),
    ("900000010;8;1;1;01/05/2021;email;drive;1", "date d'achat illisible"),
    ("900000011;8;999;1;2021-05-01;email;drive;1", "clé produit orpheline: 999"),
    ("900000012;8;1;999;2021-05-01;email;drive;1", "référence magasin orpheline: 999"),
    ("abc;8;1;1;2021-05-01;email;drive;1", "clé de retour non entière"),
    ("900000013;8;1;1;2021-05-01;email;drive;peut-être", "recommandation illisible"),
    ("", "nombre de champs incorrect: 1 au lieu de 8"),
]
LIGNES_PRODUIT_INVALIDES = [
    ("900;Alimentaire", "nombre de champs incorrect: 2 au lieu de 3"),
    ("x901;Maison;Tables", "clé produit non entière"),
]
LIGNES_MAGASIN_INVALIDES = [
    ("900;60;60001;Beauvais;5000;49.4;2.1", "département inconnu: 60"),
    ("901;75;75101;Paris;beaucoup;48.8;2.3", "population non entière"),
]


def _ajouter(chemin, lignes):
    with open(chemin, "ab") as fichier:
        for ligne in lignes:
            fichier.write((ligne + "\r\n").encode("cp1252"))


@pytest.fixture(scope="module")
def entrepot_invalide(tmp_path_factory):
    """A small generated raw folder with one bad row per case appended; built once per run."""
    def construire(dossier):
        brut = dossier / "brut"
        generer(brut, 400, 11)
        _ajouter(brut / "retour_client.csv", [ligne for ligne, _ in LIGNES_RETOUR_INVALIDES])
        _ajouter(brut / "produit.csv", [ligne for ligne, _ in LIGNES_PRODUIT_INVALIDES])
        _ajouter(brut / "ref_magasin.csv", [ligne for ligne, _ in LIGNES_MAGASIN_INVALIDES])
        # Key conflict: a feedback of the CRM written again in the CSV with another note.
        with sqlite3.connect(brut / "Satisfaction.db") as base:
            ligne = list(base.execute(
                "select * from retour_client order by rowid limit 1").fetchone())
        ligne[1] = (ligne[1] + 1) % 11
        (dossier / "cle_conflit").write_text(str(ligne[0]))
        _ajouter(brut / "retour_client.csv", [";".join(map(str, ligne))])
        lancer_dbt(*CHARGEMENT, dossier_brut=brut,
                   entrepot=dossier / "w.duckdb",
                   cible=dossier / "target")

    dossier = une_fois(tmp_path_factory, "invalide", construire)
    return dossier / "brut", dossier / "w.duckdb", int((dossier / "cle_conflit").read_text())


@pytest.mark.parametrize("ligne, motif", LIGNES_RETOUR_INVALIDES)
def test_retour_invalide_en_quarantaine(entrepot_invalide, ligne, motif):
    brut, entrepot, _ = entrepot_invalide
    numero = [i for i, l in enumerate(
        (brut / "retour_client.csv").read_bytes().decode("cp1252").split("\r\n"), 1) if l == ligne]
    rejets = requete(entrepot, "select numero_ligne, motif_rejet, contenu_brut from "
                     "marts.fct_ligne_rejetee where fichier_source = 'retour_client.csv' "
                     f"and numero_ligne = {numero[0]}")
    assert len(rejets) == 1
    assert rejets[0][1].startswith(motif)
    assert (rejets[0][2] or "") == ligne


@pytest.mark.parametrize("fichier, ligne, motif",
                         [("produit.csv", l, m) for l, m in LIGNES_PRODUIT_INVALIDES]
                         + [("ref_magasin.csv", l, m) for l, m in LIGNES_MAGASIN_INVALIDES])
def test_reference_invalide_en_quarantaine(entrepot_invalide, fichier, ligne, motif):
    _, entrepot, _ = entrepot_invalide
    rejets = requete(entrepot, "select motif_rejet from marts.fct_ligne_rejetee "
                     f"where fichier_source = '{fichier}' and contenu_brut = '{ligne}'")
    assert [r[0][:len(motif)] for r in rejets] == [motif]


def test_conflit_de_cle_rejette_les_deux_copies(entrepot_invalide):
    _, entrepot, cle = entrepot_invalide
    rejets = requete(entrepot, "select fichier_source, motif_rejet from marts.fct_ligne_rejetee "
                     f"where cle = '{cle}' order by fichier_source")
    assert [r[0] for r in rejets] == ["Satisfaction.db:retour_client", "retour_client.csv"]
    assert all(r[1].startswith("conflit de clé") for r in rejets)
    assert requete(entrepot, "select count(*) from marts.fct_retour_client "
                   f"where cle_retour_client = {cle}")[0][0] == 0


def test_brut_egal_retenu_plus_rejete(entrepot_invalide):
    brut, entrepot, _ = entrepot_invalide
    lignes_csv = (brut / "retour_client.csv").read_bytes().count(b"\r\n")
    with sqlite3.connect(brut / "Satisfaction.db") as base:
        lignes_db = base.execute("select count(*) from retour_client").fetchone()[0]
        cles_db = {r[0] for r in base.execute("select cle_retour_client from retour_client")}
    cles_csv = {l[0] for l in lire_csv(brut / "retour_client.csv") if l}
    retenues = requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0]
    rejetees = requete(entrepot, "select count(*) from marts.fct_ligne_rejetee "
                       "where table_cible = 'retour_client'")[0][0]
    doublons = len({str(c) for c in cles_db} & cles_csv) - 1  # minus the conflicting key
    assert rejetees == len(LIGNES_RETOUR_INVALIDES) + 2
    assert lignes_csv + lignes_db == retenues + doublons + rejetees


@pytest.mark.parametrize("fichier", ["Satisfaction.db", "retour_client.csv", "produit.csv",
                                     "ref_magasin.csv"])
def test_fichier_manquant_arrete_le_build(tmp_path, fichier):
    generer(tmp_path / "brut", 50, 2)
    (tmp_path / "brut" / fichier).unlink()
    resultat = lancer_dbt(*CHARGEMENT, dossier_brut=tmp_path / "brut",
                          entrepot=tmp_path / "w.duckdb",
                          cible=tmp_path / "target", verifier=False)
    assert resultat.returncode != 0
    assert f"raw file missing: {tmp_path / 'brut' / fichier}" in resultat.stdout


def test_base_crm_illisible_arrete_le_build(tmp_path):
    generer(tmp_path / "brut", 50, 2)
    (tmp_path / "brut" / "Satisfaction.db").write_text("ceci n'est pas une base")
    resultat = lancer_dbt(*CHARGEMENT, dossier_brut=tmp_path / "brut",
                          entrepot=tmp_path / "w.duckdb",
                          cible=tmp_path / "target", verifier=False)
    assert resultat.returncode != 0
    assert "Satisfaction.db is not a SQLite database" in resultat.stdout


def test_csv_mal_encode_arrete_le_build(tmp_path):
    generer(tmp_path / "brut", 50, 2)
    with open(tmp_path / "brut" / "produit.csv", "ab") as fichier:
        fichier.write(b"999;Maison;Table \x81 manger\r\n")  # 0x81 is undefined in Windows-1252
    resultat = lancer_dbt(*CHARGEMENT, dossier_brut=tmp_path / "brut",
                          entrepot=tmp_path / "w.duckdb",
                          cible=tmp_path / "target", verifier=False)
    assert resultat.returncode != 0
    assert "produit.csv" in resultat.stdout
    assert "Line: 146" in resultat.stdout  # 145 products, then the bad line
