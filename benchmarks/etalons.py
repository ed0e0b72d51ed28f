"""Yardsticks ("étalons") for the dbt build: the same job done without the project.

- `executer_plancher`: the floor, `benchmarks/plancher.sql`, one plain DuckDB script that goes
  from a raw folder to the marts and the 19 answer tables (no dbt, no quarantine, no history);
- `executer_sqlite`: the 19 answers as a user without the project would get them, plain
  SQLite statements (`benchmarks/sqlite_reponses.sql`) over the CRM database's own tables.

`tests/python/test_etalons.py` checks that both give the dbt answers on the real dataset;
timing them on a large raw folder says what the project costs on top of the bare work:

    .venv/bin/python -m benchmarks.etalons /tmp/bench/r1m
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import duckdb

RACINE = Path(__file__).resolve().parents[1]
PLANCHER = RACINE / "benchmarks" / "plancher.sql"
SQLITE_REPONSES = RACINE / "benchmarks" / "sqlite_reponses.sql"
DOSSIER_SEEDS = RACINE / "seeds"
MARQUE_REPONSE = "-- reponse:"


def _litteral(texte: str) -> str:
    """`texte` as a SQL string literal (quotes doubled): for ATTACH, which takes no parameter."""
    return "'" + str(texte).replace("'", "''") + "'"


def _encodage(fichier: Path) -> str:
    """Decoder of the feedback export: the plugin's choice (latin-1 when it gives the same text
    as Windows-1252, which is much faster) when the plugin has `encodage_csv`, else CP1252."""
    from retailinsight import dbt_plugin

    encodage_csv = getattr(dbt_plugin, "encodage_csv", None)
    return encodage_csv(fichier) if encodage_csv is not None else "CP1252"


def executer_plancher(dossier_brut: Path, fichier_duckdb: Path) -> None:
    """Run the floor script on `dossier_brut`, writing its tables into the new DuckDB file
    `fichier_duckdb` (which must not exist yet). The extensions and the CRM are set up as the
    dbt plugin does (retailinsight/dbt_plugin.py): the same wheels, the CRM read-only and read
    as text."""
    from retailinsight.dbt_plugin import EXTENSIONS, chemin_extension

    dossier_brut = Path(dossier_brut).resolve()
    fichier_duckdb = Path(fichier_duckdb)
    if fichier_duckdb.exists():
        raise FileExistsError(f"the floor writes a new DuckDB file: {fichier_duckdb} exists")
    script = PLANCHER.read_text(encoding="utf-8")
    with duckdb.connect(str(fichier_duckdb)) as base:
        for paquet, nom in {**EXTENSIONS, "duckdb_extension_encodings": "encodings"}.items():
            base.execute(f"load {_litteral(chemin_extension(paquet, nom))}")
        base.execute("set sqlite_all_varchar = true")
        base.execute(f"attach {_litteral(dossier_brut / 'Satisfaction.db')} as crm "
                     "(type sqlite, read_only)")
        base.execute("set variable dossier_brut = ?", [str(dossier_brut)])
        base.execute("set variable encodage = ?", [_encodage(dossier_brut / "retour_client.csv")])
        base.execute("set variable dossier_seeds = ?", [str(DOSSIER_SEEDS)])
        base.execute(script)
        base.execute("detach crm")


def requetes_sqlite() -> dict[str, str]:
    """The statements of sqlite_reponses.sql, keyed by answer name (the `-- reponse:` line
    that precedes each)."""
    requetes: dict[str, list[str]] = {}
    courante = None
    for ligne in SQLITE_REPONSES.read_text(encoding="utf-8").splitlines():
        if ligne.startswith(MARQUE_REPONSE):
            courante = ligne[len(MARQUE_REPONSE):].strip()
            requetes[courante] = []
        elif courante is not None:
            requetes[courante].append(ligne)
    return {nom: "\n".join(lignes).strip().rstrip(";") for nom, lignes in requetes.items()}


def reponses_sqlite(dossier_brut: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every answer computed by SQLite over `Satisfaction.db` alone (opened read-only):
    {answer name: (column names, rows)}."""
    resultats = {}
    chemin = (Path(dossier_brut) / "Satisfaction.db").resolve()
    base = sqlite3.connect(f"{chemin.as_uri()}?mode=ro", uri=True)
    try:
        for nom, requete in requetes_sqlite().items():
            curseur = base.execute(requete)
            lignes = curseur.fetchall()
            resultats[nom] = ([description[0] for description in curseur.description], lignes)
    finally:
        base.close()
    return resultats


def executer_sqlite(dossier_brut: Path) -> dict[str, list[tuple]]:
    """Every answer computed by SQLite over `Satisfaction.db` alone: {answer name: rows}."""
    return {nom: lignes for nom, (_, lignes) in reponses_sqlite(dossier_brut).items()}


def main(argv=None) -> int:
    analyseur = argparse.ArgumentParser(description="Time the floor and the SQLite yardsticks.")
    analyseur.add_argument("dossier_brut", type=Path)
    analyseur.add_argument("--duckdb", type=Path, default=None,
                           help="new DuckDB file the floor writes, kept (default: a "
                                "temporary file, removed)")
    arguments = analyseur.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporaire:
        fichier = arguments.duckdb or Path(temporaire) / "plancher.duckdb"
        debut = time.perf_counter()
        executer_plancher(arguments.dossier_brut, fichier)
        print(f"executer_plancher: {time.perf_counter() - debut:.2f} s")
    debut = time.perf_counter()
    executer_sqlite(arguments.dossier_brut)
    print(f"executer_sqlite: {time.perf_counter() - debut:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
