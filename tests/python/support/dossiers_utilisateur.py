"""The user's own folders: a test run must leave them exactly as it found them. The
controller process (not a pytest-xdist worker) fingerprints them before the run and checks
after it (`conftest.pytest_sessionfinish`); any change fails the run, naming the files."""

import hashlib
from pathlib import Path

from support.chemins import RACINE

DOSSIERS_UTILISATEUR = ("target", "logs", "warehouse", "rapport", "backups", "publication",
                        "cache-chiffre")


def empreinte_dossiers_utilisateur(racine: Path = RACINE) -> dict[str, tuple]:
    """{path: (size, mtime in ns, content hash)} of every file under the user's folders of
    the project at `racine` (a folder: its own entry), to compare byte for byte."""
    empreinte = {}
    for nom in DOSSIERS_UTILISATEUR:
        if not (racine / nom).exists():
            continue
        empreinte[nom + "/"] = (0, 0)
        for chemin in (racine / nom).rglob("*"):
            if chemin.is_dir():
                empreinte[str(chemin.relative_to(racine)) + "/"] = (0, 0)
            elif chemin.is_file():
                etat = chemin.stat()
                with open(chemin, "rb") as fichier:
                    contenu = hashlib.file_digest(fichier, "blake2b").hexdigest()
                empreinte[str(chemin.relative_to(racine))] = (etat.st_size, etat.st_mtime_ns,
                                                              contenu)
    return empreinte


def changements(avant: dict, apres: dict) -> list[str]:
    """The paths whose entry differs between two fingerprints (added, removed or changed)."""
    return sorted(c for c in set(avant) | set(apres) if avant.get(c) != apres.get(c))
