"""Consistent, timestamped backups of the warehouse, and their restore.

    python -m retailinsight.sauvegarde creer     [--entrepot W] [--dossier backups] [--garder 7]
    python -m retailinsight.sauvegarde restaurer BACKUP --vers NOUVEL_ENTREPOT
    python -m retailinsight.sauvegarde lister    [--dossier backups]

`creer` takes the warehouse lock (no refresh runs meanwhile), writes DuckDB's
`EXPORT DATABASE` (Parquet) into `<dossier>/<UTC timestamp>/` from one read-only connection,
then a `manifest.json` with every table's row count and every file's SHA-256; it rotates
backups beyond the `--garder` most recent. `restaurer` checks every checksum first, refuses a
backup that does not match, then `IMPORT DATABASE` into a new warehouse file (never over an
existing one) and checks the row counts against the manifest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import duckdb

from retailinsight.rafraichir import (CODE_VERROU_PRIS, VerrouPris, chemin_entrepot, litteral,
                                      verrou)

MANIFESTE = "manifest.json"


class SauvegardeInvalide(RuntimeError):
    """A backup is incomplete, altered or does not match its manifest."""


def _sha256(chemin: Path) -> str:
    empreinte = hashlib.sha256()
    with open(chemin, "rb") as fichier:
        for bloc in iter(lambda: fichier.read(1 << 20), b""):
            empreinte.update(bloc)
    return empreinte.hexdigest()


def comptes_tables(base: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every table of the connection's database, keyed `schema.table`."""
    tables = base.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() order by 1, 2").fetchall()
    return {f"{s}.{t}": base.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t in tables}


def creer(entrepot: Path, dossier: Path, garder: int = 7, maintenant: dt.datetime | None = None
          ) -> Path:
    """Write a backup of `entrepot` into a new timestamped folder of `dossier`; return it."""
    if not entrepot.is_file():
        raise FileNotFoundError(f"warehouse not found: {entrepot}")
    maintenant = maintenant or dt.datetime.now(dt.timezone.utc)
    cible = dossier / maintenant.strftime("%Y%m%dT%H%M%S%fZ")
    provisoire = cible.with_name(cible.name + ".en-cours")
    with verrou(entrepot, "backup"):
        shutil.rmtree(provisoire, ignore_errors=True)
        provisoire.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(entrepot), read_only=True) as base:
            comptes = comptes_tables(base)
            base.execute(f"export database {litteral(provisoire)} (format parquet)")
        fichiers = {str(f.relative_to(provisoire)): _sha256(f)
                    for f in sorted(provisoire.rglob("*")) if f.is_file()}
        manifeste = {
            "cree_le": maintenant.isoformat(),
            "entrepot": str(entrepot),
            "duckdb": duckdb.__version__,
            "tables": comptes,
            "fichiers": fichiers,
        }
        (provisoire / MANIFESTE).write_text(json.dumps(manifeste, indent=2, ensure_ascii=False))
        os.replace(provisoire, cible)
    rotation(dossier, garder)
    return cible


def lister(dossier: Path) -> list[Path]:
    """Complete backups of `dossier`, oldest first."""
    if not dossier.is_dir():
        return []
    return sorted(d for d in dossier.iterdir()
                  if d.is_dir() and not d.name.endswith(".en-cours") and (d / MANIFESTE).is_file())


def rotation(dossier: Path, garder: int) -> list[Path]:
    """Delete all but the `garder` most recent backups; return the deleted ones."""
    if garder < 1:
        raise ValueError("keep at least one backup")
    anciennes = lister(dossier)[:-garder]
    for ancienne in anciennes:
        shutil.rmtree(ancienne)
    return anciennes


def verifier(sauvegarde: Path) -> dict:
    """Return the manifest of `sauvegarde` after checking every file against it."""
    chemin = sauvegarde / MANIFESTE
    if not chemin.is_file():
        raise SauvegardeInvalide(f"{sauvegarde}: no {MANIFESTE}, not a complete backup")
    manifeste = json.loads(chemin.read_text())
    presents = {str(f.relative_to(sauvegarde)) for f in sauvegarde.rglob("*")
                if f.is_file() and f.name != MANIFESTE}
    if presents != set(manifeste["fichiers"]):
        raise SauvegardeInvalide(f"{sauvegarde}: files differ from the manifest "
                                 f"(missing {sorted(set(manifeste['fichiers']) - presents)}, "
                                 f"unexpected {sorted(presents - set(manifeste['fichiers']))})")
    for nom, attendu in manifeste["fichiers"].items():
        if _sha256(sauvegarde / nom) != attendu:
            raise SauvegardeInvalide(f"{sauvegarde}: checksum mismatch on {nom}")
    return manifeste


def restaurer(sauvegarde: Path, vers: Path) -> dict[str, int]:
    """Restore `sauvegarde` into the new warehouse file `vers`; return its row counts."""
    manifeste = verifier(sauvegarde)
    if vers.exists():
        raise FileExistsError(f"{vers} exists: restore into a new file, then swap it in")
    vers.parent.mkdir(parents=True, exist_ok=True)
    provisoire = vers.with_name(vers.name + ".en-cours")
    provisoire.unlink(missing_ok=True)
    with duckdb.connect(str(provisoire)) as base:
        base.execute(f"import database {litteral(sauvegarde)}")
        comptes = comptes_tables(base)
    if comptes != manifeste["tables"]:
        provisoire.unlink(missing_ok=True)
        raise SauvegardeInvalide(f"{sauvegarde}: restored row counts differ from the manifest")
    os.replace(provisoire, vers)
    return comptes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commandes = parser.add_subparsers(dest="commande", required=True)
    dossier_defaut = os.environ.get("BESTMARKET_BACKUP_DIR", "backups")
    p_creer = commandes.add_parser("creer", help="write a new backup")
    p_creer.add_argument("--entrepot", type=Path, default=chemin_entrepot())
    p_creer.add_argument("--dossier", type=Path, default=Path(dossier_defaut))
    p_creer.add_argument("--garder", type=int, default=int(os.environ.get(
        "BESTMARKET_BACKUP_KEEP", "7")), help="number of backups kept (default 7)")
    p_restaurer = commandes.add_parser("restaurer", help="restore a backup into a new file")
    p_restaurer.add_argument("sauvegarde", type=Path)
    p_restaurer.add_argument("--vers", type=Path, required=True)
    p_lister = commandes.add_parser("lister", help="list the backups")
    p_lister.add_argument("--dossier", type=Path, default=Path(dossier_defaut))
    args = parser.parse_args(argv)
    try:
        if args.commande == "creer":
            print(creer(args.entrepot, args.dossier, args.garder))
        elif args.commande == "restaurer":
            comptes = restaurer(args.sauvegarde, args.vers)
            print(f"restored {len(comptes)} tables into {args.vers}")
        else:
            for sauvegarde in lister(args.dossier):
                print(sauvegarde)
    except VerrouPris as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return CODE_VERROU_PRIS
    except (SauvegardeInvalide, FileExistsError, FileNotFoundError) as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
