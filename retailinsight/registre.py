"""The GDPR register: what must never be loaded again, kept outside the warehouse.

One CSV file (`reglages.chemin_registre`, 0600), header `nature,valeur,inscrit_le`:
- `cle`: an erased feedback key, as its keyed hash only (`empreinte`), never the key;
- `retention`: a retention limit applied by a purge (ISO date): feedback bought before it is
  never loaded again.
The keyed hash is SHA-256 of `<sel>:<key as a decimal integer>`, the salt derived from the
backup key (BESTMARKET_CLE_SAUVEGARDE), so that the register names no key to whoever lacks it.
The same expression is computed in SQL at ingestion (macro `empreinte_registre`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import os
from pathlib import Path

from retailinsight import reglages
from retailinsight.fichiers import NE_PAS_SUIVRE

VARIABLE_CLE = reglages.CLE_SAUVEGARDE.variable
ENTETE = ("nature", "valeur", "inscrit_le")


class RegistreInvalide(RuntimeError):
    """The register is unreadable, or holds erased keys while no backup key is set."""


def sel(cle: str | None = None) -> str:
    """The register's salt, derived from the backup key (HMAC-SHA256, usage `registre`)."""
    cle = os.environ.get(VARIABLE_CLE) if cle is None else cle
    if not cle:
        raise RegistreInvalide(f"the GDPR register holds erased keys as keyed hashes: set "
                               f"{VARIABLE_CLE} (the backup key) to apply or extend it")
    return hmac.new(cle.encode(), b"registre", hashlib.sha256).hexdigest()


def empreinte(sel_registre: str, cle: int) -> str:
    return hashlib.sha256(f"{sel_registre}:{int(cle)}".encode()).hexdigest()


def lire(chemin: Path) -> tuple[set[str], dt.date | None]:
    """(hashes of the erased keys, latest retention limit) of the register; empty if none."""
    if not chemin.exists():
        return set(), None
    if chemin.is_symlink() or not chemin.is_file():
        raise RegistreInvalide(f"GDPR register {chemin} is not a regular file")
    empreintes, limite = set(), None
    with open(chemin, newline="", encoding="utf-8") as flux:
        for numero, ligne in enumerate(csv.DictReader(flux), start=2):
            if ligne.get("nature") == "cle" and len(ligne.get("valeur") or "") == 64:
                empreintes.add(ligne["valeur"])
            elif ligne.get("nature") == "retention":
                date = dt.date.fromisoformat(ligne["valeur"])
                limite = max(limite, date) if limite else date
            else:
                raise RegistreInvalide(f"GDPR register {chemin}, line {numero}: unreadable")
    return empreintes, limite


def inscrire(chemin: Path, lignes: list[tuple[str, str]]) -> None:
    """Append `(nature, valeur)` lines, durably (fsync), to a file created 0600."""
    nouveau = not chemin.exists()
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur = os.open(chemin, os.O_WRONLY | os.O_APPEND | os.O_CREAT | NE_PAS_SUIVRE, 0o600)
    maintenant = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    with os.fdopen(descripteur, "a", newline="", encoding="utf-8") as flux:
        ecrivain = csv.writer(flux, lineterminator="\n")
        if nouveau:
            ecrivain.writerow(ENTETE)
        for nature, valeur in lignes:
            ecrivain.writerow((nature, valeur, maintenant))
        flux.flush()
        os.fsync(flux.fileno())
