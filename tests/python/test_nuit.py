"""The nightly cannot empty the warehouse by surprise: every precondition is checked before its
first step that changes anything; the report and the summary say when there is no feedback."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys

from support.chemins import ECHANTILLON, RACINE
from support.commandes import environnement, lancer_module
from support.lecture import lire_csv

from retailinsight import rapport, resume
from test_workflow import _commandes_make


def _nuit(tmp_path, **variables):
    env = dict(environnement(ECHANTILLON, tmp_path / "w" / "w.duckdb"), PYTHONPATH=str(RACINE),
               **variables)
    for nom in [n for n, v in variables.items() if v is None]:
        del env[nom]
    return subprocess.run([sys.executable, "-m", "retailinsight.nuit", "--sauvegardes",
                           str(tmp_path / "cache")], cwd=tmp_path, env=env,
                          capture_output=True, text=True)


def test_la_nuit_sur_l_echantillon_refuse_de_tout_purger(tmp_path):
    """On the bundled sample (purchases in 2021-2022) the default 36-month retention would
    purge every feedback: the night's first step stops, says how much and how to proceed,
    and nothing is written. It is the first command of `make nightly`."""
    assert _commandes_make("nightly")[0].startswith(".venv/bin/python -m retailinsight.nuit")
    with sqlite3.connect(ECHANTILLON / "Satisfaction.db") as base:
        crm, = base.execute("select count(*) from retour_client").fetchone()
    csv_ = len(lire_csv(ECHANTILLON / "retour_client.csv"))  # no header line
    resultat = _nuit(tmp_path, BESTMARKET_CLE_SAUVEGARDE=secrets.token_urlsafe(32))
    assert resultat.returncode == 2, resultat.stdout + resultat.stderr
    assert f"would remove 100% of the feedback of the exports of {ECHANTILLON} " \
           f"({crm + csv_} of {crm + csv_} rows; months: 2021-01" in resultat.stderr
    assert "BESTMARKET_PURGE_PART_MAX=1" in resultat.stderr
    assert sorted(os.listdir(tmp_path)) == []
    accepte = _nuit(tmp_path, BESTMARKET_CLE_SAUVEGARDE=secrets.token_urlsafe(32),
                    BESTMARKET_RETENTION_MOIS="1200")
    assert accepte.returncode == 0, accepte.stderr
    assert sorted(os.listdir(tmp_path)) == []


def test_la_nuit_verifie_la_cle_avant_tout(tmp_path):
    """Without a backup key, or with a guessable one, the night stops at its first step (it
    used to find out at its last, after the purge)."""
    for cle in (None, "Bestmarket-departement-75-2024"):
        resultat = _nuit(tmp_path, BESTMARKET_CLE_SAUVEGARDE=cle,
                         BESTMARKET_RETENTION_MOIS="1200")
        assert resultat.returncode == 2 and "BESTMARKET_CLE_SAUVEGARDE" in resultat.stderr, \
            resultat.stderr


def test_un_entrepot_sans_retour_le_dit(copie_entrepot, dossier_genere, tmp_path, monkeypatch):
    """Once a (forced) purge has removed every feedback, the summary and the report say so
    plainly, and the report no longer claims « Tous les mois ont au moins 30 réponses »."""
    monkeypatch.setenv("BESTMARKET_CLE_SAUVEGARDE", secrets.token_urlsafe(32))
    assert "NO FEEDBACK" not in resume.resume(str(copie_entrepot))
    assert "entrepot-vide" not in rapport.construire(rapport.lire_modeles(copie_entrepot))
    lancer_module("retailinsight.rgpd", "purger", "--mois", 1, "--date-reference", "2100-01-01",
                  "--forcer", "--entrepot", copie_entrepot.name, dossier_brut=dossier_genere,
                  entrepot=copie_entrepot)
    assert "THE WAREHOUSE HOLDS NO FEEDBACK" in resume.resume(str(copie_entrepot))
    page = rapport.construire(rapport.lire_modeles(copie_entrepot))
    assert "L'entrepôt ne contient aucun retour client" in page
    assert "Tous les mois ont au moins 30 réponses" not in page


def test_les_libelles_ne_pilotent_pas_le_terminal():
    """A label carrying a terminal escape sequence is printed escaped by the summary."""
    texte = resume.tableau("t", ["source"], [("e\x1b[31mmail\x07",), ("é-mail",)])
    assert "\x1b" not in texte and "\x07" not in texte
    assert "e\\x1b[31mmail\\x07" in texte and "é-mail" in texte


def test_le_workflow_verifie_avant_de_restaurer():
    assert (RACINE / ".github" / "workflows" / "nightly.yml").read_text().index(
        "retailinsight.nuit") < (RACINE / ".github" / "workflows" / "nightly.yml").read_text(
    ).index("sauvegarde reprendre")
