"""Governance conventions (issue 10), checked by dbt-bouncer (`dbt-bouncer.yml`) on the
manifest of `dbt parse`: the project passes, and a model added without a description or
without a key test fails with a message naming the model and the rule.

Every case parses a copy of the project in tmp_path (one `dbt parse`, about 10 s), never the
project itself, so the real target/ and the real models are left alone."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DBT, ECHANTILLON, RACINE

DBT_BOUNCER = str(Path(sys.executable).with_name("dbt-bouncer"))
# What dbt and dbt-bouncer read: the project's files and the bundled sample.
A_COPIER = ["dbt_project.yml", "profiles.yml", "dbt-bouncer.yml", "models",
            "macros", "seeds", "snapshots", "tests", "analyses", "retailinsight"]


def copier_projet(destination: Path) -> Path:
    destination.mkdir()
    for nom in A_COPIER:
        source = RACINE / nom
        if source.is_dir():
            shutil.copytree(source, destination / nom,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / nom)
    shutil.copytree(ECHANTILLON, destination / "data" / "echantillon")
    return destination


def verifier_conventions(projet: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """`dbt parse` on the copy `projet`, then dbt-bouncer on its manifest: the run and the
    result of every check (dbt-bouncer's JSON output)."""
    env = {cle: valeur for cle, valeur in os.environ.items()
           if cle not in ("DBT_TARGET_PATH", "DBT_LOG_PATH", "DBT_PROJECT_DIR",
                          "DBT_PROFILES_DIR", "DBT_BOUNCER_CONFIG_FILE")}
    env.update(BESTMARKET_RAW_DIR=str(projet / "data" / "echantillon"),
               BESTMARKET_WAREHOUSE=str(projet / "w.duckdb"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    analyse = subprocess.run(
        [DBT, "parse", "--project-dir", str(projet), "--profiles-dir", str(projet),
         "--target-path", str(projet / "target"), "--log-path", str(projet / "logs")],
        cwd=projet, env=env, capture_output=True, text=True)
    assert analyse.returncode == 0, analyse.stdout[-4000:] + analyse.stderr[-2000:]
    # dbt-bouncer keeps a check registry under ~/.cache: a private HOME per run.
    env.update(HOME=str(projet.parent), COLUMNS="200")
    resultats = projet.parent / "dbt-bouncer.json"
    verification = subprocess.run(
        [DBT_BOUNCER, "run", "--config-file", str(projet / "dbt-bouncer.yml"),
         "--output-file", str(resultats), "--show-all-failures"],
        cwd=projet, env=env, capture_output=True, text=True)
    assert resultats.is_file(), verification.stdout[-4000:] + verification.stderr[-2000:]
    return verification, json.loads(resultats.read_text())


def echecs(resultats: list[dict]) -> set[tuple[str, str]]:
    """(rule, model) of every failed check."""
    return {(r["check_run_id"].split(":")[0], r["unique_id"].split(".")[-1])
            for r in resultats if r["outcome"] != "success"}


def test_le_projet_respecte_ses_conventions(tmp_path):
    verification, resultats = verifier_conventions(copier_projet(tmp_path / "projet"))
    assert verification.returncode == 0 and not echecs(resultats), \
        verification.stdout[-6000:] + verification.stderr[-2000:]
    regles = {r["check_run_id"].split(":")[0] for r in resultats}
    # The rules of the issue all ran (a typo in the config would silently drop one).
    assert {"check_model_description_populated", "check_model_column_description_populated",
            "check_model_has_unique_test", "check_model_has_tests_by_name",
            "check_model_group", "check_model_access",
            "check_model_contract_enforced_for_public_model",
            "check_exposure_based_on_non_public_models", "check_model_names",
            "check_model_has_meta_keys", "check_source_freshness_populated"} <= regles
    modeles = {r["unique_id"] for r in resultats if r["unique_id"].startswith("model.")}
    assert len(modeles) >= 38


# One model added to the intermediate layer (name, folder, group and access all by the
# conventions), each time missing one thing.
CAS = {
    "sans_description": (
        """
version: 2
models:
  - name: int_exemple_ajoute
    columns:
      - name: cle
        description: "Key of the example."
        data_tests: [unique, not_null]
""",
        {("check_model_description_populated", "int_exemple_ajoute")},
        "does not have a populated description",
    ),
    "sans_test_de_cle": (
        """
version: 2
models:
  - name: int_exemple_ajoute
    description: "An example model added by the test, with no key test."
    columns:
      - name: cle
        description: "Key of the example."
""",
        {("check_model_has_unique_test", "int_exemple_ajoute"),
         ("check_model_has_tests_by_name", "int_exemple_ajoute")},
        "does not have a test for uniqueness",
    ),
}


@pytest.mark.parametrize("cas", sorted(CAS))
def test_un_modele_hors_conventions_fait_echouer(tmp_path, cas):
    proprietes, echecs_attendus, message = CAS[cas]
    projet = copier_projet(tmp_path / "projet")
    (projet / "models" / "intermediate" / "int_exemple_ajoute.sql").write_text(
        "select 1 as cle\n")
    (projet / "models" / "intermediate" / "_int_exemple_ajoute.yml").write_text(proprietes)
    verification, resultats = verifier_conventions(projet)
    sortie = verification.stdout + verification.stderr
    assert verification.returncode != 0, sortie[-4000:]
    # Exactly the expected rules fail, on the added model only.
    assert echecs(resultats) == echecs_attendus, sortie[-4000:]
    # What a developer reads in CI: the rule and the model, and what is missing.
    for regle, modele in echecs_attendus:
        assert f"{regle}:" in sortie and f"{modele}" in sortie, sortie[-4000:]
    assert f"`int_exemple_ajoute` {message}" in " ".join(sortie.split()), sortie[-4000:]
