"""dbt-duckdb plugin: load the offline DuckDB extensions and attach the CRM database.

dbt-duckdb calls `configure_connection` on every new connection, before anything else runs.
The plugin
1. checks that the raw folder holds every expected file, and stops with an error naming the
   missing one (a missing SQLite file would otherwise be created empty by the attach);
2. loads the `encodings` (Windows-1252 CSV) and `sqlite_scanner` extensions from the PyPI
   wheels pinned in requirements.txt (no extension repository is reachable here);
3. attaches `Satisfaction.db` read-only as the catalog `crm`, every column read as text so that
   a malformed value reaches the quarantine instead of failing the scan.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

FICHIERS_BRUTS = ("Satisfaction.db", "retour_client.csv", "produit.csv", "ref_magasin.csv")
EXTENSIONS = {
    "duckdb_extension_encodings": "encodings",
    "duckdb_extension_sqlite_scanner": "sqlite_scanner",
}


class FichierBrutInvalide(RuntimeError):
    """A raw input file is missing, unreadable or not in the expected format."""


def chemin_extension(paquet: str, nom: str) -> Path:
    """Path of the extension binary shipped in the PyPI wheel `paquet`."""
    import duckdb

    spec = importlib.util.find_spec(paquet)
    if spec is None or not spec.submodule_search_locations:
        raise FichierBrutInvalide(f"Python package {paquet} is not installed "
                                  "(pip install -r requirements.txt)")
    racine = Path(list(spec.submodule_search_locations)[0])
    fichier = racine / "extensions" / f"v{duckdb.__version__}" / f"{nom}.duckdb_extension"
    if not fichier.is_file():
        raise FichierBrutInvalide(f"DuckDB extension binary not found: {fichier}")
    return fichier


def verifier_dossier_brut(dossier: str | Path) -> Path:
    """Return the raw folder as a Path, or raise naming the first missing/unreadable file."""
    dossier = Path(dossier)
    for nom in FICHIERS_BRUTS:
        fichier = dossier / nom
        if not fichier.is_file():
            raise FichierBrutInvalide(f"raw file missing: {fichier} "
                                      "(set BESTMARKET_RAW_DIR to a folder holding it)")
        try:
            with open(fichier, "rb") as flux:
                flux.read(1)
        except OSError as erreur:
            raise FichierBrutInvalide(f"raw file unreadable: {fichier}: {erreur}") from erreur
    for nom in FICHIERS_BRUTS[1:]:
        with open(dossier / nom, "rb") as flux:
            if flux.read(3) == b"\xef\xbb\xbf":
                raise FichierBrutInvalide(
                    f"raw file rejected: {dossier / nom}, line 1: starts with a UTF-8 byte-order "
                    "mark, but the exports must be Windows-1252 without BOM (re-export it, or "
                    "convert it with `iconv -f utf-8 -t cp1252`)")
    with open(dossier / "Satisfaction.db", "rb") as flux:
        if flux.read(16) != b"SQLite format 3\x00":
            raise FichierBrutInvalide(
                f"raw file unreadable: {dossier / 'Satisfaction.db'} is not a SQLite database")
    return dossier


class Plugin(BasePlugin):
    def initialize(self, plugin_config):
        self.dossier_brut = plugin_config.get("raw_dir", "data/echantillon")

    def update_connection_config(self, creds, config):
        """Create the warehouse's folder before DuckDB opens the file (it does not)."""
        if creds.path and creds.path != ":memory:":
            Path(creds.path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)

    def configure_connection(self, conn):
        dossier = verifier_dossier_brut(self.dossier_brut)
        for paquet, nom in EXTENSIONS.items():
            conn.execute(f"load '{chemin_extension(paquet, nom)}'")
        conn.execute("set global sqlite_all_varchar = true")
        base = str((dossier / "Satisfaction.db").resolve()).replace("'", "''")
        deja = conn.execute(
            "select count(*) from duckdb_databases() where database_name = 'crm'").fetchone()[0]
        if not deja:
            conn.execute(f"attach '{base}' as crm (type sqlite, read_only)")
