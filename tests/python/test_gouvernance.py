"""The governance conventions (`dbt-bouncer.yml`) catch what they are written for: a model
added without a description or without a key test, or a report model that the report does
not read, fails with a message naming the model and the rule, and every rule of the
configuration runs. That the project itself passes them is `make lint`'s job (`dbt parse`,
then `dbt-bouncer run`), a CI step of its own. The key tests dbt-bouncer accepts are declared
to dbt-project-evaluator too (`primary_key_test_macros` in dbt_project.yml), so that its
primary-key check passes every model dbt-bouncer passes.

The failing case parses a copy of the project with three models added (one `dbt parse`,
which reads only the added files), never the project itself, so the real target/ and the
real models are left alone."""

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

from support.analyse_dbt import amorcer_analyse
from support.chemins import ECHANTILLON, RACINE
from support.commandes import dbt

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


def verifier_conventions(projet: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """`dbt parse` on the copy `projet`, then dbt-bouncer on the manifest: the run and the
    result of every check (its JSON output)."""
    env = {cle: valeur for cle, valeur in os.environ.items()
           if cle not in ("DBT_TARGET_PATH", "DBT_LOG_PATH", "DBT_PROJECT_DIR",
                          "DBT_PROFILES_DIR", "DBT_BOUNCER_CONFIG_FILE")}
    # The warehouse by its bare name, from the copy's folder: the profile renders as in the
    # other tests, so the parse starts from the run's saved state and reads only the files
    # that differ (`support.analyse_dbt`; dbt checks the project and profile match).
    env.update(BESTMARKET_RAW_DIR=str(projet / "data" / "echantillon"),
               BESTMARKET_WAREHOUSE="w.duckdb", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
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


# Models added (name, folder, group, access and contract all by the conventions), each
# missing one thing: {model: (its folder, its yml, (rule, model) failing, message)}.
CAS = {
    "int_exemple_sans_description": (
        "intermediate",
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
        "intermediate",
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
    # A building block left among the report's models: public, contracted, but nobody reads it.
    "exemple_sans_exposition": (
        "marts/rapport",
        """
version: 2
models:
  - name: exemple_sans_exposition
    description: "An example report model added by the test, that no exposure reads."
    columns:
      - name: cle
        description: "Key of the example."
        data_type: integer
        data_tests: [unique, not_null]
""",
        {("check_model_has_exposure", "exemple_sans_exposition")},
        "does not have an associated exposure",
    ),
}


def test_un_modele_hors_conventions_fait_echouer(tmp_path):
    """Every model in one copy (one parse): each fails exactly its rules, named."""
    projet = copier_projet(tmp_path / "projet")
    for modele, (dossier, proprietes, _, _) in CAS.items():
        (projet / "models" / dossier / f"{modele}.sql").write_text("select 1 as cle\n")
        (projet / "models" / dossier / f"_{modele}.yml").write_text(proprietes)
    verification, resultats = verifier_conventions(projet)
    sortie = verification.stdout + verification.stderr
    assert verification.returncode != 0, sortie[-4000:]
    # Exactly the expected rules fail, on the added models only.
    assert echecs(resultats) == set().union(*(attendus for _, _, attendus, _ in CAS.values())), \
        sortie[-4000:]
    # What a developer reads in CI: the rule and the model, and what is missing.
    for modele, (_, _, echecs_attendus, message) in CAS.items():
        for regle, _ in echecs_attendus:
            assert f"{regle}:" in sortie and modele in sortie, sortie[-4000:]
        assert f"`{modele}` {message}" in " ".join(sortie.split()), sortie[-4000:]
    # Every rule of the conventions ran (a typo in the config would silently drop one), on
    # every model of the project.
    regles = {r["check_run_id"].split(":")[0] for r in resultats}
    assert {"check_model_description_populated", "check_model_column_description_populated",
            "check_model_has_unique_test", "check_model_has_tests_by_name",
            "check_model_group", "check_model_access", "check_model_has_contracts_enforced",
            "check_model_contract_enforced_for_public_model", "check_model_has_exposure",
            "check_model_directories", "check_lineage_permitted_upstream_models",
            "check_exposure_based_on_non_public_models", "check_model_names",
            "check_model_has_meta_keys", "check_source_freshness_populated"} <= regles
    modeles = {r["unique_id"] for r in resultats if r["unique_id"].startswith("model.")}
    assert len(modeles) >= 38 + len(CAS)


def modeles_sans_test_de_cle(manifeste: dict, ensembles: list[list[str]]) -> set[str]:
    """The models dbt-project-evaluator's primary-key check would flag with the var
    `primary_key_test_macros` = `ensembles`, computed as it does: a model passes when one
    column, or the model itself for a model-level test, carries every test of one set, a
    test being named `project.test_macro` after the macro it calls."""
    tests = defaultdict(set)
    for noeud in manifeste["nodes"].values():
        if noeud["resource_type"] == "test" and noeud.get("attached_node"):
            for macro in noeud["depends_on"]["macros"]:
                _, projet, nom = macro.split(".")
                if nom.startswith("test_"):
                    tests[noeud["attached_node"], noeud.get("column_name")].add(f"{projet}.{nom}")
    testes = {modele for (modele, _), noms in tests.items()
              if any(set(ensemble) <= noms for ensemble in ensembles)}
    return {noeud["name"] for identifiant, noeud in manifeste["nodes"].items()
            if noeud["resource_type"] == "model" and identifiant not in testes}


def test_evaluateur_voit_les_tests_de_cle(docs_echantillon):
    """Every model dbt-bouncer holds to a key test passes dbt-project-evaluator's primary-key
    check with the project's var, where its defaults miss the project's own key tests."""
    projet = yaml.safe_load((RACINE / "dbt_project.yml").read_text())
    ensembles = projet["vars"]["dbt_project_evaluator"]["primary_key_test_macros"]
    manifeste = json.loads((docs_echantillon / "manifest.json").read_text())
    # Each declared test names a macro of the project or of dbt (dbt_utils is not installed).
    macros = {f"{m['package_name']}.{m['name']}" for m in manifeste["macros"].values()}
    assert all(nom in macros or nom.startswith("dbt_utils.")
               for ensemble in ensembles for nom in ensemble), ensembles
    # The models dbt-bouncer leaves without key test (the two ephemeral feedback stagings).
    regle = next(r for r in yaml.safe_load((RACINE / "dbt-bouncer.yml").read_text())
                 ["manifest_checks"] if r["name"] == "check_model_has_unique_test")
    exclus = {n["name"] for n in manifeste["nodes"].values() if n["resource_type"] == "model"
              and re.search(regle["exclude"], n["original_file_path"])}
    assert len(exclus) == 2
    assert modeles_sans_test_de_cle(manifeste, ensembles) == exclus
    # Without the var, its defaults miss the composite grains and the one-row answers.
    defaut = [["dbt.test_unique", "dbt.test_not_null"],
              ["dbt_utils.test_unique_combination_of_columns"]]
    manques = modeles_sans_test_de_cle(manifeste, defaut) - exclus
    assert {"int_retour_client_qualifie", "nps_global"} <= manques, manques
