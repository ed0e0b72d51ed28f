"""The suite's fixtures and hooks. The support code they use lives in `support/`, one
module per concern (see its `__init__`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import analyse_dbt, ordre
from support.chemins import DONNEES_REELLES, ECHANTILLON
from support.commandes import COMPLET, lancer_dbt, rafraichir
from support.dossiers_utilisateur import changements, empreinte_dossiers_utilisateur
from support.partage import dossier_du_run, une_fois
from support.projet import copie_fraiche, environnement_utilisateur, lignes_en_erreur


@pytest.fixture(scope="session", autouse=True)
def _cache_analyses(tmp_path_factory):
    """One folder of saved dbt parse states for every worker of this run (`analyse_dbt`)."""
    analyse_dbt.definir_cache(dossier_du_run(tmp_path_factory) / "analyses-dbt")


@pytest.fixture(scope="session", autouse=True)
def _un_fil_dbt():
    """Two pytest workers already keep both cores busy: a second dbt thread per build only
    adds switching between threads (about 10 % more CPU per build, measured). The README's
    own commands (`environnement_utilisateur`) keep the profile's default."""
    os.environ["BESTMARKET_DBT_THREADS"] = "1"
    yield
    del os.environ["BESTMARKET_DBT_THREADS"]


@pytest.fixture(scope="session")
def projet_echantillon(tmp_path_factory) -> Path:
    """A fresh copy of the project after the README's first command, `make run`, as a user
    runs it: the refresh builds everything (unit tests included) on the bundled sample into
    `warehouse/bestmarket.duckdb`, then prints the summary. Run once per run: the README's
    walk-through goes on from a copy of this folder, and the tests that read the sample's
    warehouse read its warehouse (`entrepot_echantillon`)."""
    def construire(dossier: Path):
        projet = copie_fraiche(dossier / "projet")
        resultat = subprocess.run(["make", "run"], cwd=projet, capture_output=True, text=True,
                                  env=environnement_utilisateur(dossier / "maison"))
        sortie = resultat.stdout + resultat.stderr
        assert resultat.returncode == 0, f"`make run` failed:\n{sortie[-5000:]}"
        assert lignes_en_erreur(sortie) == [], sortie[-5000:]
        # The suite's only run of dbt's unit tests (the other builds leave them out).
        assert re.search(r"\b[1-9][0-9]* unit tests\b", sortie), sortie[-5000:]
    return une_fois(tmp_path_factory, "echantillon", construire) / "projet"


@pytest.fixture(scope="session")
def entrepot_echantillon(projet_echantillon) -> Path:
    """Warehouse that `make run` built on the bundled sample (read it; copy it to change it);
    dbt's target folder of that build is `projet_echantillon / "target"`."""
    return projet_echantillon / "warehouse" / "bestmarket.duckdb"


@pytest.fixture(scope="session")
def entrepot_reel(tmp_path_factory) -> Path:
    """Warehouse built by `dbt build` (all but the unit tests, which the sample's build runs)
    on the real BestMarket dataset in ../shared.

    Required in CI (CI=true): missing data fails there. Elsewhere it is skipped, visibly.
    """
    if not (DONNEES_REELLES / "Satisfaction.db").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real dataset missing at {DONNEES_REELLES}: required when CI=true")
        pytest.skip(f"real dataset not found at {DONNEES_REELLES} (required only when CI=true)")
    dossier = une_fois(tmp_path_factory, "reel", lambda d: lancer_dbt(
        *COMPLET, dossier_brut=DONNEES_REELLES, entrepot=d / "w.duckdb", cible=d / "target"))
    return dossier / "w.duckdb"


@pytest.fixture(scope="session")
def dossier_genere(tmp_path_factory) -> Path:
    """A generated raw folder (1,200 feedbacks, overlapping exports), for the operations tests."""
    from retailinsight.generateur import generer

    return une_fois(tmp_path_factory, "genere", lambda d: generer(d / "brut", 1200, 31)) / "brut"


@pytest.fixture(scope="session")
def entrepot_genere(tmp_path_factory, dossier_genere) -> Path:
    """The warehouse of `dossier_genere`, built once per run (not once per worker) by the
    refresh, everything but unit tests; copy it before changing it."""
    dossier = une_fois(tmp_path_factory, "entrepot-genere", lambda d: rafraichir(
        dossier_genere, d / "w.duckdb", *COMPLET))
    return dossier / "w.duckdb"


@pytest.fixture
def copie_entrepot(entrepot_genere, tmp_path) -> Path:
    copie = tmp_path / "w.duckdb"
    shutil.copy(entrepot_genere, copie)
    return copie


@pytest.fixture(scope="session")
def docs_echantillon(tmp_path_factory, entrepot_echantillon) -> Path:
    """Target folder of `dbt docs generate` on a copy of the sample's warehouse (manifest,
    catalog and the site's index.html), generated once per run."""
    def generer(dossier: Path):
        entrepot = dossier / "w.duckdb"
        shutil.copy(entrepot_echantillon, entrepot)
        lancer_dbt("docs", "generate", dossier_brut=ECHANTILLON, entrepot=entrepot,
                   cible=dossier / "target")
    return une_fois(tmp_path_factory, "docs", generer) / "target"


def pytest_sessionstart(session):
    """The controller fingerprints the user's folders (`dossiers_utilisateur`)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        session.config._dossiers_utilisateur = empreinte_dossiers_utilisateur()


def pytest_sessionfinish(session, exitstatus):
    """Any change to the user's folders fails the run, naming the files."""
    avant = getattr(session.config, "_dossiers_utilisateur", None)
    if avant is None or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    changes = changements(avant, empreinte_dossiers_utilisateur())
    if changes:
        print("\nFAILED: the test run changed the user's folders (tests must work in temporary "
              "folders only):\n  " + "\n  ".join(changes[:50]), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(trylast=True)  # after the `-m "not spark"` deselection
def pytest_collection_modifyitems(config, items):
    items[:] = ordre.repartir(items)
