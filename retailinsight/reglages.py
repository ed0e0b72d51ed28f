"""Every setting of the product, its default and the environment variable that overrides it,
defined once. The modules read their settings here; `bestmarket` options take their
environment variable and help text from here too.

A relative path is relative to the working directory, as everywhere in the product (the raw
folder's default is the bundled sample of the project, wherever the command runs). The named
environments (`retailinsight.environnements`) set BESTMARKET_RAW_DIR and BESTMARKET_WAREHOUSE
for the `bestmarket` commands; an environment variable set by the caller still wins.

`profiles.yml` repeats the defaults of the variables it reads inside its `env_var()` calls
(dbt needs a default there when the variable is unset, and cannot import this module);
`tests/python/test_cli.py` checks that they stay equal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path



def _racine() -> Path:
    """The project folder: the working directory when it is a copy of this project (as dbt
    reads the project where it runs), else the folder this package comes from. So the
    `bestmarket` script of a shared virtualenv works on the project it runs in."""
    ici = Path.cwd()
    if (ici / "dbt_project.yml").is_file() and (ici / "retailinsight" / "reglages.py").is_file():
        return ici.resolve()
    return Path(__file__).resolve().parents[1]


RACINE = _racine()


@dataclass(frozen=True)
class Reglage:
    """One setting: its environment variable, its default (text, as the variable would hold
    it; '' = none) and what it is, in the user's terms."""
    variable: str
    defaut: str
    aide: str
    secret: bool = False  # never printed

    def texte(self) -> str:
        """The value in effect: the environment's if set and not empty, else the default."""
        return os.environ.get(self.variable) or self.defaut

    def chemin(self) -> Path:
        return Path(self.texte())

    def entier(self) -> int:
        return int(self.texte())

    def decimal(self) -> float:
        return float(self.texte())


# Data: where the exports are read and the warehouse written.
ECHANTILLON = "data/echantillon"  # the bundled sample, in the project folder
DOSSIER_BRUT = Reglage(
    "BESTMARKET_RAW_DIR", str(RACINE / ECHANTILLON),
    "raw folder holding Satisfaction.db and the three CSV exports")
ENTREPOT = Reglage(
    "BESTMARKET_WAREHOUSE", "warehouse/bestmarket.duckdb",
    "DuckDB file the refresh writes and every reader opens")
REGISTRE = Reglage(
    "BESTMARKET_REGISTRE", "",
    "GDPR register of the warehouse (default: <warehouse stem>.registre.csv beside it)")
ENTREPOT_SPARK = Reglage(
    "BESTMARKET_SPARK_WAREHOUSE", "warehouse/spark",
    "Spark warehouse folder (the `spark` dbt target)")
MAITRE_SPARK = Reglage("BESTMARKET_SPARK_MASTER", "local[*]", "Spark master (the `spark` target)")
MEMOIRE_SPARK = Reglage("BESTMARKET_SPARK_DRIVER_MEMORY", "2g",
                        "Spark driver's memory (the `spark` target)")
PILOTE_SQLITE_JDBC = Reglage("BESTMARKET_SQLITE_JDBC_JAR", "/usr/share/java/sqlite-jdbc.jar",
                             "SQLite JDBC driver Spark reads the CRM database with")

# Object storage: any folder above may be an s3://bucket/prefix URL (retailinsight.stockage);
# the variables are the AWS tools' own.
CLE_ACCES_S3 = Reglage("AWS_ACCESS_KEY_ID", "", "object storage access key", secret=True)
SECRET_S3 = Reglage("AWS_SECRET_ACCESS_KEY", "", "object storage secret key", secret=True)
REGION_S3 = Reglage("AWS_REGION", "", "object storage region")
POINT_ACCES_S3 = Reglage("AWS_ENDPOINT_URL", "",
                         "S3-compatible endpoint (http:// is reached without TLS)")

# DuckDB and dbt resources (also defaults of profiles.yml's env_var() calls).
MEMOIRE_DUCKDB = Reglage("BESTMARKET_DUCKDB_MEMORY_LIMIT", "2GB",
                         "DuckDB's memory budget; a larger build spills to disk")
FILS_DUCKDB = Reglage("BESTMARKET_DUCKDB_THREADS", "", "DuckDB's worker threads (default: "
                      "every core)")
FILS_DBT = Reglage("BESTMARKET_DBT_THREADS", "2", "dbt's threads: models and tests run at once")
TEMPORAIRE_DUCKDB = Reglage("BESTMARKET_DUCKDB_TEMP_DIRECTORY", "",
                            "where DuckDB spills (default: <warehouse>.tmp)")

# Outputs.
RAPPORT = Reglage("BESTMARKET_REPORT", "rapport/rapport_nps.html",
                  "HTML report written by `bestmarket report`")
PUBLICATION = Reglage("BESTMARKET_PUBLICATION_DIR", "publication",
                      "folder of the encrypted audience files")

# Backups.
SAUVEGARDES = Reglage("BESTMARKET_BACKUP_DIR", "backups", "folder of the encrypted backups")
GARDER_SAUVEGARDES = Reglage("BESTMARKET_BACKUP_KEEP", "7",
                             "number of backups kept after a new one (older ones deleted)")
CLE_SAUVEGARDE = Reglage("BESTMARKET_CLE_SAUVEGARDE", "",
                         "backup key (also salts the GDPR register); never stored on disk",
                         secret=True)
ETAT_NUIT = Reglage("BESTMARKET_NIGHT_STATE", "cache-chiffre",
                    "where the nightly keeps its encrypted state between nights: a folder, or "
                    "s3://bucket/prefix (Makefile, workflow)")
SAUVEGARDES_NUIT = ETAT_NUIT.defaut

# GDPR.
RETENTION_MOIS = Reglage("BESTMARKET_RETENTION_MOIS", "36",
                         "retention of feedback, in months of purchase date")
PURGE_PART_MAX = Reglage("BESTMARKET_PURGE_PART_MAX", "0.2",
                         "largest share of the feedback a purge may remove (0-1)")

# The morning digests of the alerts (retailinsight.alertes). Recipients are per audience,
# BESTMARKET_ALERTES_DESTINATAIRES_<AUDIENCE> (comma-separated addresses), as the audience keys.
SMTP_SERVEUR = Reglage("BESTMARKET_SMTP_SERVEUR", "",
                       "SMTP server the digests are sent through, with STARTTLS and login "
                       "(empty: the digests are written as pages, not sent)")
SMTP_PORT = Reglage("BESTMARKET_SMTP_PORT", "587", "port of the SMTP server (submission)")
SMTP_UTILISATEUR = Reglage("BESTMARKET_SMTP_UTILISATEUR", "", "login on the SMTP server")
SMTP_MOT_DE_PASSE = Reglage("BESTMARKET_SMTP_MOT_DE_PASSE", "",
                            "password of that login, from the environment only", secret=True)
SMTP_CA = Reglage("BESTMARKET_SMTP_CA", "",
                  "PEM file of the authorities the SMTP server's certificate is checked "
                  "against (default: the system's)")
SMTP_DELAI = Reglage("BESTMARKET_SMTP_DELAI", "30",
                     "seconds to wait for the SMTP server before giving up")
ALERTES_EXPEDITEUR = Reglage("BESTMARKET_ALERTES_EXPEDITEUR", "",
                             "From address of the digests (default: the SMTP login)")
ALERTES_DOSSIER = Reglage("BESTMARKET_ALERTES_DOSSIER", "rapport/alertes",
                          "folder where each audience's digest is also written as a page")
ALERTES_RETARD_HEURES = Reglage("BESTMARKET_ALERTES_RETARD_HEURES", "48",
                                "hours after which an open alert not handled is overdue")

# The sample generator.
GENERATEUR_LIGNES = 3000
GENERATEUR_GRAINE = 42
GENERATEUR_SORTIE = ECHANTILLON

# Named environments (`bestmarket env`).
ENVIRONNEMENT = Reglage("BESTMARKET_ENV", "",
                        "named environment for this command only (default: the active one)")
FICHIER_ENVIRONNEMENTS = Reglage(
    "BESTMARKET_CONFIG", str(RACINE / ".bestmarket" / "environnement.toml"),
    "file holding the named environments and the active one (written by `bestmarket env use`)")
ENVIRONNEMENT_DEFAUT = "echantillon"

TOUS = [valeur for valeur in list(globals().values()) if isinstance(valeur, Reglage)]


def chemin_entrepot() -> Path:
    return ENTREPOT.chemin()


def chemin_registre(entrepot: Path | None = None) -> Path:
    """The GDPR register of `entrepot` (erased keys as keyed hashes, retention limits applied):
    BESTMARKET_REGISTRE, default `<warehouse stem>.registre.csv` beside the warehouse. It lives
    outside the warehouse so that a restored backup or a rebuild from the exports meets it."""
    entrepot = entrepot or chemin_entrepot()
    return Path(REGISTRE.texte() or entrepot.with_name(entrepot.stem + ".registre.csv"))


def dossier_brut():
    """The raw folder: a Path, or the bucket prefix of an s3:// URL (`stockage.Objet`)."""
    from retailinsight.stockage import emplacement

    return emplacement(DOSSIER_BRUT.texte())
