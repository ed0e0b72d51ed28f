"""The Spark target: the same project built by dbt-spark (`--target spark`, pyspark in
local mode) gives the same tables as DuckDB.

The tests marked `spark` start a JVM per dbt command and take minutes on 2 cores: `make test`
leaves them out, `make test-spark` (and CI, `.ci/run`) runs them. They build on Spark:
- the bundled sample, through the refresh command (unit tests included);
- the quarantine's folder of `test_quarantaine` (one bad line per rejection reason, and a key
  conflict between the exports), so that every reason and the reconciliation are compared;
- the real BestMarket dataset (unit tests included);
and compare each with DuckDB's build of the same folder, every table of every schema both
targets build, row by row (`retailinsight.parite_spark`: numbers within 1e-9). They also check
source freshness and a missing CRM file on Spark. The comparison itself is checked here without
Spark, in `make test`.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.chemins import DBT, DONNEES_REELLES, ECHANTILLON
from support.commandes import SANS_TESTS_UNITAIRES, environnement_relatif
from support.projet import copier_dossier
from retailinsight.parite_spark import comparer, comparer_lignes
from test_quarantaine import entrepot_invalide  # noqa: F401 - the shared fixture

JAR_SQLITE = Path(os.environ.get("BESTMARKET_SQLITE_JDBC_JAR", "/usr/share/java/sqlite-jdbc.jar"))


@pytest.fixture(scope="module")
def spark_installe():
    """The Spark target's dependencies (`make spark`); missing ones fail in CI."""
    try:
        import pyspark  # noqa: F401
        pyspark_present = True
    except ImportError:
        pyspark_present = False
    manques = [nom for nom, present in [("pyspark and dbt-spark", pyspark_present),
                                        (str(JAR_SQLITE), JAR_SQLITE.is_file()),
                                        ("java", shutil.which("java"))] if not present]
    if manques:
        message = f"Spark target not installed ({', '.join(manques)}): run `make test-spark`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def environnement_spark(dossier_brut: Path, dossier: Path) -> dict:
    return dict(environnement_relatif(dossier_brut, dossier / "w.duckdb"),
                BESTMARKET_SPARK_WAREHOUSE=str(dossier / "spark"))


def dbt_spark(*arguments, dossier_brut: Path, dossier: Path,
              verifier: bool = True) -> subprocess.CompletedProcess:
    """`dbt <arguments> --target spark` from `dossier`, Spark's warehouse in `dossier/spark`."""
    dossier.mkdir(parents=True, exist_ok=True)
    commande = [DBT, *arguments, "--target", "spark"]
    resultat = subprocess.run(commande, cwd=dossier, env=environnement_spark(dossier_brut, dossier),
                              capture_output=True, text=True, timeout=3600)
    if verifier and resultat.returncode != 0:
        raise AssertionError(f"{' '.join(commande)} failed:\n{resultat.stdout[-6000:]}\n"
                             f"{resultat.stderr[-2000:]}")
    return resultat


def sans_ecart(ecarts: dict) -> dict:
    return {table: ecart for table, ecart in ecarts.items() if ecart is not None}


@pytest.mark.spark
def test_echantillon_sur_spark_par_le_rafraichissement(spark_installe, entrepot_echantillon,
                                                        tmp_path):
    """The bundled sample through the refresh command on Spark, from another folder and
    without BESTMARKET_RAW_DIR (the default raw folder is the project's sample): every node
    passes (unit tests included) and every table equals DuckDB's."""
    env = environnement_spark(ECHANTILLON, tmp_path)
    del env["BESTMARKET_RAW_DIR"]
    resultat = subprocess.run(
        [sys.executable, "-m", "retailinsight.rafraichir", "build", "--target", "spark"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=3600)
    assert resultat.returncode == 0, resultat.stdout[-6000:] + resultat.stderr[-2000:]
    assert "ERROR=0" in resultat.stdout
    assert re.search(r"\b[1-9][0-9]* unit tests\b", resultat.stdout), "unit tests ran"
    assert not (tmp_path / "w.duckdb").exists(), "the Spark refresh touched no DuckDB file"
    ecarts = comparer(entrepot_echantillon, tmp_path / "spark")
    assert len(ecarts) > 40 and sans_ecart(ecarts) == {}


@pytest.mark.spark
def test_quarantaine_identique_sur_spark(spark_installe, entrepot_invalide,  # noqa: F811
                                         tmp_path):
    """Every rejection reason, the key conflict and the reconciliation, on both engines."""
    brut, entrepot, _ = entrepot_invalide
    resultat = dbt_spark("build", *SANS_TESTS_UNITAIRES, dossier_brut=brut, dossier=tmp_path)
    assert "set aside in quarantine" in resultat.stdout
    ecarts = comparer(entrepot, tmp_path / "spark")
    assert "marts.fct_ligne_rejetee" in ecarts and "marts.rapprochement_lignes_brutes" in ecarts
    assert sans_ecart(ecarts) == {}


@pytest.mark.spark
def test_parite_sur_les_donnees_reelles(spark_installe, entrepot_reel, tmp_path):
    """The real dataset on Spark: the 19 answers row by row (numbers within 1e-9), and every
    other table, the marts' included, equal to DuckDB's build of the same files."""
    dbt_spark("build", dossier_brut=DONNEES_REELLES, dossier=tmp_path)
    ecarts = comparer(entrepot_reel, tmp_path / "spark")
    assert len([t for t in ecarts if t.startswith("answers.")]) == 19
    assert {"marts.fct_retour_client", "marts.dim_produit", "marts.dim_magasin"} <= set(ecarts)
    assert sans_ecart(ecarts) == {}


@pytest.mark.spark
def test_fraicheur_des_sources_sur_spark(spark_installe, tmp_path):
    """`dbt source freshness --target spark` reads the files' modification times: fresh files
    pass, a feedback export 5 days old fails (error after 50 h)."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    maintenant = time.time()
    for fichier in brut.iterdir():
        os.utime(fichier, (maintenant, maintenant))
    resultat = dbt_spark("source", "freshness", dossier_brut=brut, dossier=tmp_path / "frais")
    assert resultat.stdout.count("PASS freshness") == 7, resultat.stdout[-3000:]
    ancien = maintenant - 5 * 24 * 3600
    os.utime(brut / "retour_client.csv", (ancien, ancien))
    resultat = dbt_spark("source", "freshness", dossier_brut=brut, dossier=tmp_path / "ancien",
                         verifier=False)
    assert resultat.returncode != 0
    assert "ERROR STALE freshness of bestmarket_csv.retour_client" in resultat.stdout


@pytest.mark.spark
def test_base_crm_manquante_sur_spark(spark_installe, tmp_path):
    """A missing `Satisfaction.db` stops the Spark build naming the file, and the SQLite driver
    (opened read-only) creates no empty database in the raw folder."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    (brut / "Satisfaction.db").unlink()
    resultat = dbt_spark("build", "--select", "stg_bestmarket_crm__produit",
                         dossier_brut=brut, dossier=tmp_path / "build", verifier=False)
    assert resultat.returncode != 0
    assert str(brut / "Satisfaction.db") in resultat.stdout, resultat.stdout[-3000:]
    assert not (brut / "Satisfaction.db").exists()


def test_la_comparaison_voit_les_ecarts():
    """The parity check itself (no Spark needed): an answer off by more than 1e-9, a missing
    row or a changed label is a difference; reordered rows and a 1e-12 float error are not."""
    duckdb_lignes = [("drive", 12, 33.333333333333336), ("livraison", 3, -10.0)]
    assert comparer_lignes(duckdb_lignes, list(reversed(duckdb_lignes))) is None
    assert comparer_lignes(duckdb_lignes, [("drive", 12, 33.333333333333336 + 1e-12),
                                           ("livraison", 3, -10.0)]) is None
    assert comparer_lignes(duckdb_lignes, [("drive", 12, 33.33333334),
                                           ("livraison", 3, -10.0)]) is not None
    assert comparer_lignes(duckdb_lignes, duckdb_lignes[:1]) is not None
    assert comparer_lignes(duckdb_lignes, [("drive", 12, 33.333333333333336),
                                           ("Livraison", 3, -10.0)]) is not None
    assert comparer_lignes([(None,)], [(0,)]) is not None
