"""Project-wide checks: SQL lint, generated docs, every node described."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import ECHANTILLON, RACINE, amorcer_analyse, environnement


def test_sqlfluff_lint_propre(tmp_path):
    sqlfluff = str(Path(sys.executable).with_name("sqlfluff"))
    # The dbt templater runs dbt: its target, logs and warehouse go to tmp_path. The profile
    # names the warehouse by its bare name, as in the other tests, so that dbt starts from the
    # run's parse state (`amorcer_analyse`, about 7 s saved); the plugin opens the file in
    # tmp_path instead, as it opens a refresh's working copy (BESTMARKET_WAREHOUSE_EN_COURS).
    amorcer_analyse(tmp_path / "target", "w.duckdb")
    copie = tmp_path / "w.duckdb.en-cours" / "w.duckdb"
    copie.parent.mkdir()
    env = dict(environnement(ECHANTILLON, tmp_path / "w.duckdb"), BESTMARKET_WAREHOUSE="w.duckdb",
               BESTMARKET_WAREHOUSE_EN_COURS=str(copie))
    resultat = subprocess.run([sqlfluff, "lint", "models", "tests", "analyses", "macros"],
                              cwd=RACINE, capture_output=True, text=True, env=env)
    assert resultat.returncode == 0, resultat.stdout[-5000:] + resultat.stderr[-2000:]


def test_docs_generes_et_tout_est_decrit(docs_echantillon):
    manifeste = json.loads((docs_echantillon / "manifest.json").read_text())
    catalogue = json.loads((docs_echantillon / "catalog.json").read_text())
    manques = []
    for noeud in list(manifeste["nodes"].values()) + list(manifeste["sources"].values()):
        if noeud["resource_type"] not in ("model", "seed", "source", "snapshot"):
            continue
        if noeud["package_name"] != "retailinsight360":
            continue
        if not noeud["description"].strip():
            manques.append(noeud["unique_id"])
        colonnes_doc = noeud["columns"]
        for nom, colonne in colonnes_doc.items():
            if not colonne["description"].strip():
                manques.append(f"{noeud['unique_id']}.{nom}")
        entree = catalogue["nodes"].get(noeud["unique_id"]) or catalogue["sources"].get(
            noeud["unique_id"])
        if entree and noeud["resource_type"] != "source":
            for nom in entree["columns"]:
                if nom.lower() not in {c.lower() for c in colonnes_doc}:
                    manques.append(f"{noeud['unique_id']}.{nom} (column not documented)")
    for macro in manifeste["macros"].values():
        if macro["package_name"] != "retailinsight360":
            continue
        if not macro["description"].strip():
            manques.append(macro["unique_id"])
        for argument in macro["arguments"]:
            if not argument.get("description", "").strip():
                manques.append(f"{macro['unique_id']}({argument['name']})")
    assert not manques, "missing descriptions:\n" + "\n".join(manques)
