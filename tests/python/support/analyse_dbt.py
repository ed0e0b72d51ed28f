"""dbt's saved parse state (`partial_parse.msgpack`), shared by the run's dbt commands.

A dbt command given the state of an earlier one with the same rendered profile parses only
what changed (nothing) instead of the whole project: about 5 s saved per command. dbt itself
checks that the profile, the variables and every project file still match, and parses in
full if not. The states are kept in one folder of the run (every worker's), by a key: the
warehouse's bare file name, which is part of the profile (see
`commandes.environnement_relatif`), and a hash of the `--vars` given.
"""

import os
import shutil
from pathlib import Path

_CACHE: list[Path] = []


def definir_cache(dossier: Path) -> None:
    """Called once per worker (`conftest._cache_analyses`) with the run's folder for them."""
    dossier.mkdir(exist_ok=True)
    _CACHE[:] = [dossier]


def cache_analyses() -> Path | None:
    return _CACHE[0] if _CACHE else None


def amorcer_analyse(cible: Path, cle: str) -> None:
    """Give the new target folder `cible` the parse state saved under `cle`, if any."""
    cache = cache_analyses()
    if not cache or (cible / "partial_parse.msgpack").exists():
        return
    source = cache / f"{cle}.msgpack"
    if source.is_file():
        cible.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, cible / "partial_parse.msgpack")


def memoriser_analyse(cible: Path, cle: str) -> None:
    """Save the parse state that a command wrote in `cible` under `cle`, unless one is
    saved already (written aside then renamed: a worker never reads half a file)."""
    cache = cache_analyses()
    produit = cible / "partial_parse.msgpack"
    if cache and produit.is_file() and not (cache / f"{cle}.msgpack").exists():
        temporaire = cache / f"{cle}.{os.getpid()}.tmp"
        shutil.copy(produit, temporaire)
        os.replace(temporaire, cache / f"{cle}.msgpack")
