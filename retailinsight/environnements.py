"""Named environments: which raw folder and which warehouse the `bestmarket` commands use.

Once a user has chosen their data (`bestmarket env use reel --raw-dir D --warehouse F`), every
later `bestmarket` command (refresh, summary, report, docs, dbt, mf, backups, GDPR...) works
on it until they choose another: the command exports BESTMARKET_RAW_DIR and
BESTMARKET_WAREHOUSE to what it runs. A variable the caller set still wins, and so does an
option given on the command line. `echantillon` (the bundled sample, the default) is built in.

The file (BESTMARKET_CONFIG, default `.bestmarket/environnement.toml` in the project, which
holds a `.gitignore` of its own so that nothing there is committed):

    # Named environments of `bestmarket` (written by `bestmarket env use`).
    active = "reel"

    [environments.reel]
    raw_dir = "../shared/datasets/bestmarket"
    warehouse = "warehouse/reel.duckdb"

A relative path there is relative to the project folder.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from retailinsight import reglages
from retailinsight.reglages import RACINE
from retailinsight.stockage import est_url


class EnvironnementInconnu(ValueError):
    """An environment name that is neither built in nor in the file."""


@dataclass(frozen=True)
class Environnement:
    nom: str
    dossier_brut: str
    entrepot: str

    def chemin(self, valeur: str) -> str:
        """`valeur` as the commands get it: relative to the project folder, written as is when
        the command runs there (dbt then renders the same profile as a plain `dbt` command,
        and keeps its parse state), joined to the project folder otherwise."""
        if Path(valeur).is_absolute() or est_url(valeur) or Path.cwd().resolve() == RACINE:
            return valeur
        return os.path.normpath(RACINE / valeur)

    def variables(self) -> dict[str, str]:
        return {reglages.DOSSIER_BRUT.variable: self.chemin(self.dossier_brut),
                reglages.ENTREPOT.variable: self.chemin(self.entrepot)}


ECHANTILLON = Environnement(reglages.ENVIRONNEMENT_DEFAUT, reglages.ECHANTILLON,
                            reglages.ENTREPOT.defaut)


def depuis_ici(chemin: str | None) -> str | None:
    """A path the user typed, relative to the folder they typed it in, as the file keeps it:
    relative to the project folder (absolute paths are kept as they are)."""
    if chemin is None or Path(chemin).is_absolute() or est_url(chemin):  # s3://bucket/…
        return chemin
    return os.path.relpath(Path.cwd() / chemin, RACINE)


def fichier() -> Path:
    return reglages.FICHIER_ENVIRONNEMENTS.chemin()


def lire() -> tuple[str, dict[str, Environnement]]:
    """(active name, {name: environment}), the built-in `echantillon` included."""
    contenu = {}
    if fichier().is_file():
        contenu = tomllib.loads(fichier().read_text(encoding="utf-8"))
    connus = {ECHANTILLON.nom: ECHANTILLON}
    for nom, valeurs in (contenu.get("environments") or {}).items():
        connus[nom] = Environnement(
            nom, str(valeurs.get("raw_dir") or ECHANTILLON.dossier_brut),
            str(valeurs.get("warehouse") or f"warehouse/{nom}.duckdb"))
    return str(contenu.get("active") or ECHANTILLON.nom), connus


def ecrire(actif: str, connus: dict[str, Environnement]) -> Path:
    """Write the file: the active name and every environment but an unchanged built-in."""
    chemin = fichier()
    chemin.parent.mkdir(parents=True, exist_ok=True)
    if chemin.parent.name == ".bestmarket" and not (chemin.parent / ".gitignore").exists():
        (chemin.parent / ".gitignore").write_text("*\n", encoding="utf-8")
    lignes = ["# Named environments of `bestmarket` (written by `bestmarket env use`).",
              f"active = {json.dumps(actif, ensure_ascii=False)}"]
    for nom, env in sorted(connus.items()):
        if env == ECHANTILLON:
            continue
        lignes += ["", f"[environments.{json.dumps(nom, ensure_ascii=False)}]",
                   f"raw_dir = {json.dumps(env.dossier_brut, ensure_ascii=False)}",
                   f"warehouse = {json.dumps(env.entrepot, ensure_ascii=False)}"]
    provisoire = chemin.with_name(chemin.name + ".tmp")
    provisoire.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    os.replace(provisoire, chemin)
    return chemin


def choisir(nom: str, dossier_brut: str | None = None, entrepot: str | None = None
            ) -> Environnement:
    """Make `nom` the active environment, created or changed by the paths given; return it."""
    _, connus = lire()
    if nom not in connus and dossier_brut is None:
        raise EnvironnementInconnu(f"environment {nom!r} does not exist yet: give its raw "
                                   "folder (--raw-dir) to create it")
    ancien = connus.get(nom) or Environnement(nom, "", f"warehouse/{nom}.duckdb")
    env = Environnement(nom, dossier_brut or ancien.dossier_brut, entrepot or ancien.entrepot)
    connus[nom] = env
    ecrire(nom, connus)
    return env


def courant(nom: str | None = None) -> Environnement:
    """The environment in effect: `nom`, else BESTMARKET_ENV, else the file's active one."""
    actif, connus = lire()
    nom = nom or reglages.ENVIRONNEMENT.texte() or actif
    if nom not in connus:
        raise EnvironnementInconnu(f"unknown environment {nom!r} (known: "
                                   f"{', '.join(sorted(connus))}; create it with "
                                   "`bestmarket env use NAME --raw-dir D`)")
    return connus[nom]


def appliquer(nom: str | None = None) -> Environnement:
    """Export the environment's raw folder and warehouse to this process (and so to every
    command it runs), except a variable the caller already set; return the environment."""
    env = courant(nom)
    for variable, valeur in env.variables().items():
        if not os.environ.get(variable):
            os.environ[variable] = valeur
    return env
