"""dbt and the product's modules run as a user runs them, on a chosen raw folder and
warehouse file, their target and logs beside the warehouse, never in the project's folders."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from support.analyse_dbt import amorcer_analyse, memoriser_analyse
from support.chemins import DBT, RACINE
from support.partage import a_son_tour

# dbt's unit tests mock their inputs: they give the same result whatever the raw folder. They
# run in the build of the sample (`make run`, `projet_echantillon`); the other builds of the
# suite, the real dataset's included, leave them out (5 s each).
SANS_TESTS_UNITAIRES = ("--exclude-resource-type", "unit_test")
# The tests of loading (refresh, faults, quarantine, GDPR) build the selector `ingestion`
# (selectors.yml: everything but answers, report and semantic layer, and their tests, and but
# the tests of the seeds alone), about half the work of a build; the fixtures whose warehouse
# is read for answers build everything, the seeds' tests included.
INGESTION = ("--selector", "ingestion")
COMPLET = ("build", *SANS_TESTS_UNITAIRES)
# The nightly's build (`rafraichir nuit`): no unit tests, and the fact's row-by-row data tests
# on the rows the night wrote.
NUIT = ("nuit",)


def dbt() -> str:
    """The dbt executable the suite runs: the virtualenv's, as the product does."""
    return DBT


def environnement(dossier_brut: Path, entrepot: Path) -> dict:
    """Environment of a command run from the project root on `dossier_brut` and `entrepot`:
    dbt's target and logs go beside the warehouse, never to the project's folders."""
    return dict(os.environ, BESTMARKET_RAW_DIR=str(dossier_brut),
                BESTMARKET_WAREHOUSE=str(entrepot), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
                DBT_TARGET_PATH=str(entrepot.parent / "target"),
                DBT_LOG_PATH=str(entrepot.parent / "logs"))


def environnement_relatif(dossier_brut: Path, entrepot: Path) -> dict:
    """Environment of a command run from the warehouse's own folder, the warehouse named by
    its bare file name. The path dbt-duckdb opens is part of the profile that dbt hashes to
    decide whether its saved parse state still holds: with the same bare name everywhere,
    every test shares it (`analyse_dbt`)."""
    return dict(environnement(dossier_brut, entrepot), BESTMARKET_WAREHOUSE=entrepot.name,
                DBT_PROJECT_DIR=str(RACINE), DBT_PROFILES_DIR=str(RACINE),
                PYTHONPATH=str(RACINE))


def lancer_dbt(*arguments, dossier_brut: Path, entrepot: Path, cible: Path | None = None,
               verifier: bool = True) -> subprocess.CompletedProcess:
    """Run `dbt <arguments>` on `dossier_brut`, writing `entrepot`, from the warehouse's folder
    (see `environnement_relatif`); target and logs go to `cible` (default: beside the
    warehouse), never to the project's own folders."""
    cible = cible or entrepot.parent / "target"
    commande = [dbt(), *arguments, "--profiles-dir", str(RACINE), "--project-dir", str(RACINE),
                "--target-path", str(cible)]
    amorcer_analyse(cible, entrepot.name)
    entrepot.parent.mkdir(parents=True, exist_ok=True)
    resultat = subprocess.run(commande, cwd=entrepot.parent,
                              env=environnement_relatif(dossier_brut, entrepot),
                              capture_output=True, text=True)
    if verifier and resultat.returncode != 0:
        raise AssertionError(f"{' '.join(commande)} failed:\n{resultat.stdout[-6000:]}\n"
                             f"{resultat.stderr[-2000:]}")
    memoriser_analyse(cible, entrepot.name)
    return resultat


def lancer_module(module: str, *arguments, dossier_brut: Path, entrepot: Path,
                  verifier: bool = True, relatif: bool = True,
                  **options) -> subprocess.CompletedProcess:
    """Run `python -m <module> <arguments>` as a user would: from the warehouse's folder
    (`environnement_relatif`), or with `relatif=False` from the project root with the
    warehouse's full path."""
    # A module that runs dbt (the GDPR commands recompute the answers through the refresh)
    # does it with the target beside the warehouse: it starts from the parse state saved for
    # the warehouse's bare name. Only the dbt commands of this file save one (a module's own
    # dbt profile depends on its arguments, `--entrepot` for one).
    if relatif:
        entrepot.parent.mkdir(parents=True, exist_ok=True)
        dossier, env = entrepot.parent, environnement_relatif(dossier_brut, entrepot)
        amorcer_analyse(entrepot.parent / "target", entrepot.name)
    else:
        dossier, env = RACINE, environnement(dossier_brut, entrepot)
    with a_son_tour(entrepot):
        resultat = subprocess.run([sys.executable, "-m", module, *map(str, arguments)],
                                  cwd=dossier, env=env, capture_output=True, text=True,
                                  **options)
    if verifier and resultat.returncode != 0:
        raise AssertionError(f"{module} {arguments} failed:\n{resultat.stdout[-6000:]}\n"
                             f"{resultat.stderr[-3000:]}")
    return resultat


def rafraichir(dossier_brut: Path, entrepot: Path, *arguments, verifier: bool = True,
               relatif: bool = True):
    """The nightly refresh (`python -m retailinsight.rafraichir build`, or `nuit`) on a raw folder;
    by default what loading changes (`INGESTION`), `COMPLET` for everything."""
    # From the project root (`relatif=False`), the target is the one beside the warehouse
    # that a module's later dbt command on the same copy uses (`lancer_module`).
    cible = entrepot.with_name(entrepot.stem + "-target") if relatif else \
        entrepot.parent / "target"
    cle = entrepot.name  # the profile names the warehouse, not the refresh's working copy
    if arguments[:1] == ("nuit",):  # the nightly's build sets vars of its own
        cle += ".nuit"
    if "--vars" in arguments:  # part of the parse state too
        cle += "." + hashlib.sha256(arguments[arguments.index("--vars") + 1].encode()).hexdigest()
    if relatif:
        amorcer_analyse(cible, cle)
    resultat = lancer_module("retailinsight.rafraichir",
                             *(arguments or (*COMPLET, *INGESTION)),
                             "--target-path", cible, dossier_brut=dossier_brut,
                             entrepot=entrepot, verifier=verifier, relatif=relatif)
    if resultat.returncode == 0 and relatif:
        memoriser_analyse(cible, cle)
    return resultat
