"""The nightly CI workflow: scheduled and manual, every command it runs exists in the project,
and it runs the same sequence as `make nightly`."""

import importlib.util
import re
import shlex

import yaml

from support.chemins import RACINE

WORKFLOW = RACINE / ".github" / "workflows" / "nightly.yml"
SOUS_COMMANDES_DBT = {"build", "run", "test", "seed", "snapshot", "source", "docs", "parse",
                      "compile", "deps"}


def _commandes_workflow():
    flux = yaml.safe_load(WORKFLOW.read_text())
    pas = flux["jobs"]["refresh"]["steps"]
    commandes = []
    for etape in pas:
        for ligne in etape.get("run", "").splitlines():
            if ligne.strip():
                commandes.append(ligne.strip())
    return flux, pas, commandes


def _commandes_make(cible):
    texte = (RACINE / "Makefile").read_text()
    bloc = re.search(rf"^{cible}:.*\n((?:\t.*\n)+)", texte, re.M)
    assert bloc, f"no `{cible}` target in the Makefile"
    return [l.strip().replace("$(BIN)/", ".venv/bin/").replace(
        "$(BESTMARKET_NIGHT_STATE)", '"$BESTMARKET_NIGHT_STATE"')
        for l in bloc.group(1).splitlines()]


def test_declenchement_nocturne_et_manuel():
    flux, _, _ = _commandes_workflow()
    declencheurs = flux.get("on") or flux.get(True)  # YAML 1.1 reads `on` as true
    assert declencheurs["schedule"][0]["cron"] == "30 2 * * *"
    assert "workflow_dispatch" in declencheurs


def test_chaque_commande_existe():
    _, _, commandes = _commandes_workflow()
    assert commandes, "the workflow runs commands"
    for commande in commandes:
        mots = shlex.split(commande)
        if mots[:3] == ["python", "-m", "venv"]:
            continue
        if mots[0] == ".venv/bin/pip":
            assert (RACINE / mots[-1]).is_file(), commande
        elif mots[0] == ".venv/bin/dbt":
            assert mots[1] in SOUS_COMMANDES_DBT, commande
        elif mots[:2] == [".venv/bin/python", "-m"]:
            module = mots[2]
            assert module.startswith("retailinsight.") and importlib.util.find_spec(module), \
                commande
        else:
            raise AssertionError(f"unexpected command in the workflow: {commande}")


def test_meme_sequence_que_make_nightly():
    """The night's steps, the failure message (run only when a step failed) aside."""
    _, pas, _ = _commandes_workflow()
    etapes = [ligne.strip() for etape in pas if "failure()" not in str(etape.get("if", ""))
              for ligne in etape.get("run", "").splitlines()
              if ligne.strip().startswith((".venv/bin/dbt", ".venv/bin/python -m"))]
    assert etapes == _commandes_make("nightly")


def test_digests_apres_la_sauvegarde_et_message_d_echec():
    """The digests are sent after the refresh and a first backup (a failure to send leaves
    the night refreshed and saved), then the state is saved again with what was sent; a
    failed step other than the digests' sends the data team one message naming it; each
    backup reaches the bucket as it is made (no cache to save at the end)."""
    _, pas, commandes = _commandes_workflow()
    envoi = commandes.index(".venv/bin/python -m retailinsight.alertes envoyer")
    sauvegarde = ".venv/bin/python -m retailinsight.sauvegarde creer --dossier " \
                 '"$BESTMARKET_NIGHT_STATE" --garder 1'
    assert commandes.index(".venv/bin/python -m retailinsight.rafraichir nuit") < \
        commandes.index(sauvegarde) < envoi
    assert commandes[envoi + 1] == sauvegarde
    echec = next(e for e in pas if "retailinsight.alertes echec" in e.get("run", ""))
    assert echec["if"] == "failure() && steps.digests.outcome != 'failure'"
    assert next(e for e in pas if "alertes envoyer" in e.get("run", ""))["id"] == "digests"
    assert echec["env"]["ETAPES"] == "${{ toJSON(steps) }}"
    assert all(e.get("id") for e in pas if e.get("run") and "failure()" not in e.get("if", "")
               ), "every step that runs a command has an id: the message names it"
    assert not [e for e in pas if e.get("uses", "").startswith("actions/cache")]
    flux, _, _ = _commandes_workflow()
    assert "secrets.BESTMARKET_SMTP_MOT_DE_PASSE" in flux["jobs"]["refresh"]["env"][
        "BESTMARKET_SMTP_MOT_DE_PASSE"]


def test_artefacts_produits_par_les_commandes():
    _, pas, _ = _commandes_workflow()
    chemins = next(e for e in pas if e.get("uses", "").startswith("actions/upload-artifact"))[
        "with"]["path"].split()
    assert not any(c.endswith((".duckdb", ".parquet", ".csv", ".db")) or c.startswith(
        ("warehouse", "backups", "publication")) for c in chemins), \
        "no file holding feedback rows leaves the runner as an artifact"
    assert "rapport/rapport_nps.html" in chemins
    assert {"target/index.html", "target/catalog.json", "target/manifest.json"} <= set(chemins)
    from retailinsight import reglages
    assert reglages.RAPPORT.defaut == "rapport/rapport_nps.html"



def test_etat_en_stockage_objet_et_purge_nocturne():
    """No Actions cache and no artifact holds the warehouse or its history: the state is
    restored from and saved to object storage (BESTMARKET_NIGHT_STATE, a repository variable),
    the exports are read from it, the credentials are secrets; the retention purge runs every
    night, after the refresh and before anything is published."""
    flux, pas, commandes = _commandes_workflow()
    assert not [e for e in pas if e.get("uses", "").startswith("actions/cache")]
    env = flux["jobs"]["refresh"]["env"]
    assert env["BESTMARKET_NIGHT_STATE"] == "${{ vars.BESTMARKET_NIGHT_STATE }}"
    assert env["BESTMARKET_RAW_DIR"] == "${{ vars.BESTMARKET_RAW_DIR }}"
    for secret in ("BESTMARKET_CLE_SAUVEGARDE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert env[secret] == "${{ secrets.%s }}" % secret
    etat = '"$BESTMARKET_NIGHT_STATE"'
    assert f".venv/bin/python -m retailinsight.sauvegarde creer --dossier {etat} --garder 1" \
        in commandes
    assert f".venv/bin/python -m retailinsight.sauvegarde reprendre --dossier {etat}" \
        in commandes
    purge = commandes.index(".venv/bin/python -m retailinsight.rgpd purger")
    assert commandes.index(".venv/bin/python -m retailinsight.rafraichir nuit") < purge
    assert purge < commandes.index(".venv/bin/dbt docs generate")
