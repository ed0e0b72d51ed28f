"""The benchmark yardsticks (benchmarks/) give the dbt answers on the real dataset.

- the floor, `benchmarks/plancher.sql` (one plain DuckDB script from the raw folder): every
  answer table equals the dbt answer model row for row, with the same columns, and its
  fct/dim tables have the marts' columns and row counts;
- the SQLite statements, `benchmarks/sqlite_reponses.sql` (over Satisfaction.db alone): every
  answer equals the dbt model on the columns it returns.

Decimals are compared within 1e-9. Rows are compared as sets, except that an answer with a
rank column is compared in rank order, and the SQLite statement must return it in that order.
Dates compare by their ISO text and booleans as 0/1 (SQLite has neither type).

The real exports are identical copies of each other, so the floor's merge is also checked on
the bundled sample (overlapping exports) with one key conflict added, against the plain Python
computation of tests/python/reponses_attendues.py: no dbt build needed for that one.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import sqlite3

import duckdb
import pytest

from benchmarks.etalons import executer_plancher, reponses_sqlite
from support.chemins import DONNEES_REELLES, ECHANTILLON, RACINE
from reponses_attendues import comparer, lignes_modele, reponses

MODELES = sorted(chemin.stem for chemin in (RACINE / "models" / "marts" / "answers").glob("*.sql"))
MARTS = ["fct_retour_client", "dim_produit", "dim_magasin"]
COLONNES_RANG = ("rang", "rang_nb_retours")


@pytest.fixture(scope="module")
def plancher(entrepot_reel, tmp_path_factory):
    """DuckDB file written by the floor script on the real dataset (skipped like the dbt
    warehouse when the dataset is absent, required when CI=true)."""
    fichier = tmp_path_factory.mktemp("plancher") / "plancher.duckdb"
    executer_plancher(DONNEES_REELLES, fichier)
    return fichier


@pytest.fixture(scope="module")
def sqlite(entrepot_reel):
    return reponses_sqlite(DONNEES_REELLES)


def _lire(fichier, table: str, colonnes: list[str] | None = None):
    """(column names, rows) of a table, optionally only some columns in the given order."""
    with duckdb.connect(str(fichier), read_only=True) as base:
        liste = "*" if colonnes is None else ", ".join(f'"{c}"' for c in colonnes)
        curseur = base.execute(f"select {liste} from {table}")
        return [d[0] for d in curseur.description], curseur.fetchall()


def _normaliser(valeur):
    if isinstance(valeur, bool):
        return int(valeur)
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return valeur


def _cle_tri(ligne, indices_rang):
    """Sort key: rank columns first, then every value (None first, decimals rounded so that
    two values within the tolerance sort alike)."""
    def cle(valeur):
        if valeur is None:
            return (0, 0)
        if isinstance(valeur, float):
            return (1, round(valeur, 6))
        return (1, valeur)

    return tuple(cle(ligne[i]) for i in indices_rang) + tuple(cle(v) for v in ligne)


def _egales(obtenue, attendue) -> bool:
    if obtenue is None or attendue is None:
        return obtenue is None and attendue is None
    if isinstance(obtenue, float) or isinstance(attendue, float):
        return math.isclose(float(obtenue), float(attendue), rel_tol=0, abs_tol=1e-9)
    return obtenue == attendue


def comparer_lignes(nom: str, colonnes: list[str], obtenues: list[tuple],
                    attendues: list[tuple]) -> None:
    """`obtenues` equals `attendues` row for row (both with `colonnes`), in rank order when
    the answer has a rank column, else as sets."""
    assert len(obtenues) == len(attendues), \
        f"{nom}: {len(obtenues)} rows, the dbt model has {len(attendues)}"
    indices_rang = [i for i, c in enumerate(colonnes) if c in COLONNES_RANG]
    obtenues = sorted((tuple(map(_normaliser, l)) for l in obtenues),
                      key=lambda l: _cle_tri(l, indices_rang))
    attendues = sorted((tuple(map(_normaliser, l)) for l in attendues),
                       key=lambda l: _cle_tri(l, indices_rang))
    for obtenue, attendue in zip(obtenues, attendues):
        for colonne, valeur, valeur_attendue in zip(colonnes, obtenue, attendue):
            assert _egales(valeur, valeur_attendue), (
                f"{nom}.{colonne}: {valeur!r} != {valeur_attendue!r} (dbt)\n"
                f"  row: {obtenue}\n  dbt: {attendue}")


def test_les_etalons_couvrent_les_19_reponses(plancher, sqlite):
    assert len(MODELES) == 19, MODELES
    with duckdb.connect(str(plancher), read_only=True) as base:
        tables = {t for (t,) in base.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main'").fetchall()}
    assert tables == set(MODELES) | set(MARTS)
    assert set(sqlite) == set(MODELES)


@pytest.mark.parametrize("mart", MARTS)
def test_plancher_marts(plancher, entrepot_reel, mart):
    """The floor's fact and dimensions: the marts' columns and row counts."""
    colonnes, lignes = _lire(plancher, f"main.{mart}")
    colonnes_dbt, lignes_dbt = _lire(entrepot_reel, f"marts.{mart}")
    assert colonnes == colonnes_dbt
    assert len(lignes) == len(lignes_dbt)


@pytest.mark.parametrize("modele", MODELES)
def test_plancher_egal_au_modele(plancher, entrepot_reel, modele):
    colonnes, lignes = _lire(plancher, f"main.{modele}")
    colonnes_dbt, lignes_dbt = _lire(entrepot_reel, f"answers.{modele}")
    assert colonnes == colonnes_dbt, f"{modele}: columns differ from the dbt model"
    comparer_lignes(modele, colonnes, lignes, lignes_dbt)


@pytest.mark.parametrize("modele", MODELES)
def test_sqlite_egal_au_modele(sqlite, entrepot_reel, modele):
    colonnes, lignes = sqlite[modele]
    colonnes_dbt, _ = _lire(entrepot_reel, f"answers.{modele}")
    inconnues = [c for c in colonnes if c not in colonnes_dbt]
    assert not inconnues, f"{modele}: SQLite columns not in the dbt model: {inconnues}"
    _, lignes_dbt = _lire(entrepot_reel, f"answers.{modele}", colonnes)
    comparer_lignes(modele, colonnes, lignes, lignes_dbt)
    for colonne in COLONNES_RANG:
        if colonne in colonnes:
            rangs = [ligne[colonnes.index(colonne)] for ligne in lignes]
            assert rangs == sorted(rangs), f"{modele}: SQLite rows not in {colonne} order"


def test_plancher_fusionne_les_exports_et_ecarte_les_conflits(tmp_path):
    """On the sample (CSV-only, CRM-only and shared feedback) with one shared key given a
    different note in the CRM: the floor keeps every other feedback once, drops both copies
    of the conflicting key, and its 19 answers equal the plain Python computation."""
    dossier = tmp_path / "brut"
    shutil.copytree(ECHANTILLON, dossier)
    cles_csv = {int(ligne.split(";")[0]) for ligne in
                (dossier / "retour_client.csv").read_text(encoding="cp1252").splitlines()
                if ligne}
    with sqlite3.connect(dossier / "Satisfaction.db") as base:
        cles_crm = {c for (c,) in base.execute("select cle_retour_client from retour_client")}
        conflit = min(cles_csv & cles_crm)
        base.execute("update retour_client set note = (note + 1) % 11 "
                     "where cle_retour_client = ?", [conflit])
    assert cles_csv - cles_crm and cles_crm - cles_csv, "the sample should overlap partly"
    fichier = tmp_path / "plancher.duckdb"
    executer_plancher(dossier, fichier)
    _, cles = _lire(fichier, "main.fct_retour_client", ["cle_retour_client"])
    assert sorted(c for (c,) in cles) == sorted((cles_csv | cles_crm) - {conflit})
    attendues = reponses(dossier, garder=lambda retour: retour["cle"] != conflit)
    for modele in MODELES:
        comparer(lignes_modele(fichier, modele, "main"), attendues[modele], modele)
