"""The project as a user gets it: a fresh copy, a user's shell, and output free of errors."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from support.chemins import RACINE


def copier_dossier(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination)
    return destination


def copie_fraiche(destination: Path) -> Path:
    """The project as a fresh clone would have it: the files git tracks or would track
    (uncommitted edits included, nothing ignored: no warehouse, no target/), and the
    project's virtualenv linked."""
    fichiers = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=RACINE,
        capture_output=True, check=True).stdout.decode().split("\0")
    for nom in filter(None, fichiers):
        source = RACINE / nom
        if source.is_file():
            (destination / nom).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / nom)  # mtimes kept: make sees nothing to redo
    (destination / ".venv").symlink_to(RACINE / ".venv")
    return destination


def environnement_utilisateur(maison: Path) -> dict:
    """A user's shell: none of the suite's BESTMARKET_/DBT_ settings, a home of its own."""
    env = {c: v for c, v in os.environ.items()
           if not c.startswith(("BESTMARKET_", "DBT_", "PYTEST_"))}
    maison.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(maison), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return env


# A line that reports a failure: an error, a Python traceback, a dbt error count above zero;
# not the wording that names errors without reporting one (the summary's NPS tables).
ERREUR = re.compile(r"(?i)(^|[^a-z_])(error|erreur|traceback)(?!=0)([^a-z_]|$)")
SANS_ERREUR = ("margin of error",)


def lignes_en_erreur(sortie: str) -> list[str]:
    return [l for l in sortie.splitlines() if ERREUR.search(l) and "ERROR=0" not in l
            and not any(m in l for m in SANS_ERREUR)]
