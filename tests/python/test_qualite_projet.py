"""Project-wide checks: generated docs, every node described. (The SQL lint and the
conventions run apart, in `make lint`.)"""

import json


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
