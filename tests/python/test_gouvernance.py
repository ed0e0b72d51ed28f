"""Governance conventions, checked by dbt-bouncer (`dbt-bouncer.yml`) on the
manifest of `dbt parse`: the project passes, and a model added without a description or
without a key test fails with a message naming the model and the rule.

The project's own case reads the manifest that `dbt docs generate` wrote for the docs tests
(`conftest.docs_echantillon`); the failing case parses a copy of the project with two models
added (one `dbt parse`, which reads only the added files), never the project itself, so the real target/ and the
real models are left alone."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ECHANTILLON, RACINE, amorcer_analyse, dbt

DBT_BOUNCER = str(Path(sys.executable).with_name("dbt-bouncer"))
# What dbt and dbt-bouncer read: the project's files and the bundled sample.
A_COPIER = ["dbt_project.yml", "profiles.yml", "selectors.yml", "dbt-bouncer.yml", "models",
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


def verifier_conventions(projet: Path, analyser: bool = True
                         ) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """`dbt parse` on the copy `projet` (unless its target/ already holds a manifest), then
    dbt-bouncer on the manifest: the run and the result of every check (its JSON output)."""
    env = {cle: valeur for cle, valeur in os.environ.items()
           if cle not in ("DBT_TARGET_PATH", "DBT_LOG_PATH", "DBT_PROJECT_DIR",
                          "DBT_PROFILES_DIR", "DBT_BOUNCER_CONFIG_FILE")}
    # The warehouse by its bare name, from the copy's folder: the profile renders as in the
    # other tests, so the parse starts from the run's saved state and reads only the files
    # that differ (`conftest.amorcer_analyse`; dbt checks the project and profile match).
    env.update(BESTMARKET_RAW_DIR=str(projet / "data" / "echantillon"),
               BESTMARKET_WAREHOUSE="w.duckdb", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    if analyser:
        amorcer_analyse(projet / "target", "w.duckdb")
        analyse = subprocess.run(
            [dbt(), "parse", "--project-dir", str(projet), "--profiles-dir", str(projet),
             "--target-path", str(projet / "target"), "--log-path", str(projet / "logs")],
            cwd=projet, env=env, capture_output=True, text=True)
        assert analyse.returncode == 0, analyse.stdout[-4000:] + analyse.stderr[-2000:]
    # dbt-bouncer keeps a check registry under ~/.cache: a private HOME per run.
    env.update(HOME=str(projet.parent), COLUMNS="400")
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


def test_le_projet_respecte_ses_conventions(tmp_path, docs_echantillon):
    """The project as it is: its manifest is the one `dbt docs generate` wrote for the docs
    tests, read beside the linter's configuration and custom checks."""
    projet = tmp_path / "projet"
    shutil.copytree(RACINE / "retailinsight" / "conventions",
                    projet / "retailinsight" / "conventions",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for nom in ("dbt_project.yml", "dbt-bouncer.yml"):
        shutil.copy2(RACINE / nom, projet / nom)
    (projet / "target").mkdir()
    shutil.copy2(docs_echantillon / "manifest.json", projet / "target" / "manifest.json")
    verification, resultats = verifier_conventions(projet, analyser=False)
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


# Models added to the intermediate layer (name, folder, group and access all by the
# conventions), each missing one thing: {model: (its yml, (rule, model) failing, message)}.
CAS = {
    "int_exemple_sans_description": (
        """
version: 2
models:
  - name: int_exemple_sans_description
    columns:
      - name: cle
        description: "Key of the example."
        data_tests: [unique, not_null]
""",
        {("check_model_description_populated", "int_exemple_sans_description")},
        "does not have a populated description",
    ),
    "int_exemple_sans_test_de_cle": (
        """
version: 2
models:
  - name: int_exemple_sans_test_de_cle
    description: "An example model added by the test, with no key test."
    columns:
      - name: cle
        description: "Key of the example."
""",
        {("check_model_has_unique_test", "int_exemple_sans_test_de_cle"),
         ("check_model_has_tests_by_name", "int_exemple_sans_test_de_cle")},
        "does not have a test for uniqueness",
    ),
}


def test_un_modele_hors_conventions_fait_echouer(tmp_path):
    """Both models in one copy (one parse): each fails exactly its rules, named."""
    projet = copier_projet(tmp_path / "projet")
    for modele, (proprietes, _, _) in CAS.items():
        (projet / "models" / "intermediate" / f"{modele}.sql").write_text("select 1 as cle\n")
        (projet / "models" / "intermediate" / f"_{modele}.yml").write_text(proprietes)
    verification, resultats = verifier_conventions(projet)
    sortie = verification.stdout + verification.stderr
    assert verification.returncode != 0, sortie[-4000:]
    # Exactly the expected rules fail, on the added models only.
    assert echecs(resultats) == set().union(*(attendus for _, attendus, _ in CAS.values())), \
        sortie[-4000:]
    # What a developer reads in CI: the rule and the model, and what is missing.
    for modele, (_, echecs_attendus, message) in CAS.items():
        for regle, _ in echecs_attendus:
            assert f"{regle}:" in sortie and modele in sortie, sortie[-4000:]
        assert f"`{modele}` {message}" in " ".join(sortie.split()), sortie[-4000:]
