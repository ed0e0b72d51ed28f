"""The MetricFlow semantic layer answers like the answer models: a query through `mf` equals
the matching model, row by row (decimals within 1e-9)."""

import csv
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.chemins import ECHANTILLON, RACINE
from support.commandes import environnement
from support.lecture import requete

MF = str(Path(sys.executable).with_name("mf"))


@pytest.fixture(scope="module")
def entrepot_mf(tmp_path_factory, entrepot_echantillon):
    """A copy of the sample's warehouse: `mf` opens it for writing, which would lock out the
    other tests reading the shared one."""
    copie = tmp_path_factory.mktemp("mf") / entrepot_echantillon.name  # the manifest's catalog
    shutil.copy(entrepot_echantillon, copie)
    return copie


@pytest.fixture(scope="module")
def projet_mf(tmp_path_factory, projet_echantillon):
    """A project folder for `mf`: MetricFlow reads the semantic
    manifest at `<project>/target/semantic_manifest.json`, always, so the tests give it a
    folder of its own (the project's files linked, `target/` the one of the sample's build)
    instead of writing into the user's `target/`."""
    projet = tmp_path_factory.mktemp("projet-mf")
    for nom in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots",
                "analyses", "tests", "retailinsight", "data"):
        (projet / nom).symlink_to(RACINE / nom)
    (projet / "target").mkdir()
    shutil.copy(projet_echantillon / "target" / "semantic_manifest.json",
                projet / "target")
    return projet


def mf_query(projet, entrepot, tmp_path, metriques, group_by):
    sortie = tmp_path / "mf.csv"
    options = ["--group-by", group_by] if group_by else []
    resultat = subprocess.run(
        [MF, "query", "--metrics", metriques, *options, "--csv", str(sortie)],
        cwd=projet, env=environnement(ECHANTILLON, entrepot), capture_output=True, text=True)
    assert resultat.returncode == 0 and sortie.exists(), resultat.stdout[-3000:]
    with open(sortie, newline="") as fichier:
        return list(csv.DictReader(fichier))


def _proche(a, b):
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


def test_nps_par_departement(projet_mf, entrepot_mf, tmp_path):
    lignes = mf_query(projet_mf, entrepot_mf, tmp_path, "nps,nb_retours", "magasin__departement")
    attendu = {c: (n, r) for c, n, r in requete(
        entrepot_mf, "select code_departement, nps, nb_reponses from rapport.nps_par_departement")}
    assert {l["magasin__departement"] for l in lignes} == set(attendu)
    for ligne in lignes:
        nps, nb = attendu[ligne["magasin__departement"]]
        assert _proche(ligne["nps"], nps) and int(ligne["nb_retours"]) == nb


def test_nps_par_mois(projet_mf, entrepot_mf, tmp_path):
    lignes = mf_query(projet_mf, entrepot_mf, tmp_path, "nps", "metric_time__month")
    attendu = {str(m): n for m, n in requete(entrepot_mf, "select mois, nps from answers.nps_par_mois")}
    assert {l["metric_time__month"][:10] for l in lignes} == set(attendu)
    for ligne in lignes:
        assert _proche(ligne["nps"], attendu[ligne["metric_time__month"][:10]])


def test_note_moyenne_par_typologie_et_recommandation(projet_mf, entrepot_mf, tmp_path):
    lignes = mf_query(projet_mf, entrepot_mf, tmp_path, "note_moyenne", "produit__typologie")
    attendu = dict(requete(entrepot_mf, "select typologie_produit, note_moyenne from "
                           "answers.note_moyenne_par_typologie where nb_retours > 0"))
    assert {l["produit__typologie"]: float(l["note_moyenne"]) for l in lignes}.keys() == \
        attendu.keys()
    for ligne in lignes:
        assert _proche(ligne["note_moyenne"], attendu[ligne["produit__typologie"]])
    part = mf_query(projet_mf, entrepot_mf, tmp_path, "part_recommandation", None)
    pct = requete(entrepot_mf, "select pct_recommandation from answers.part_recommandation_client")
    assert len(part) == 1
    assert _proche(float(part[0]["part_recommandation"]) * 100, pct[0][0])
