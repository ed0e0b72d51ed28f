"""The suite's warm dbt (`dbt_chaud.py`) answers as the real `dbt` executable does: same
output, same exit code, the caller's working directory and environment; without its server
it runs the real dbt."""

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

import dbt_chaud
from conftest import DBT, RACINE, dbt, enfants_de


def _lancer(executable, *arguments, **options):
    return subprocess.run([executable, *arguments], capture_output=True, text=True, **options)


@pytest.fixture(scope="module")
def version_reelle():
    return _lancer(DBT, "--version")


def test_meme_sortie_que_dbt(version_reelle):
    assert dbt() != DBT, "the suite runs its warm dbt"
    chaud = _lancer(dbt(), "--version")
    assert (chaud.returncode, chaud.stdout) == (version_reelle.returncode, version_reelle.stdout)
    assert "Core:" in chaud.stdout


def _sans_horodatage(texte):
    return re.sub(r"\d\d:\d\d:\d\d", "hh:mm:ss", texte)


def test_code_de_sortie_dossier_et_environnement(tmp_path):
    """Failures come out as in dbt (exit code, messages); the command runs in the client's
    working directory (the missing dbt_project.yml is looked for there) and environment (the
    missing profiles folder is under its HOME)."""
    env = {c: v for c, v in os.environ.items() if not c.startswith("DBT_")}
    env["HOME"] = str(tmp_path / "maison")
    cas = [(["parse"], str(tmp_path / "maison" / ".dbt"), 2),
           (["parse", "--profiles-dir", "."], str(tmp_path / "dbt_project.yml"), 2)]
    for arguments, attendu, code in cas:
        chaud = _lancer(dbt(), *arguments, cwd=tmp_path, env=env)
        reel = _lancer(DBT, *arguments, cwd=tmp_path, env=env)
        assert chaud.returncode == reel.returncode == code, (arguments, chaud.stderr)
        assert _sans_horodatage(chaud.stdout) == _sans_horodatage(reel.stdout), arguments
        assert chaud.stderr == reel.stderr, arguments
        assert attendu in chaud.stdout + chaud.stderr, arguments


def test_sans_serveur_le_vrai_dbt(tmp_path, version_reelle):
    client = dbt_chaud.ecrire_client(str(tmp_path / "dbt"), str(tmp_path / "absent.sock"), DBT)
    resultat = _lancer(client, "--version")
    assert resultat.returncode == 0 and resultat.stdout == version_reelle.stdout


def _enfants_du_serveur() -> set[int]:
    """Pids of the processes forked by this worker's server (found by its command line)."""
    prise = (os.environ["BESTMARKET_DBT"] + ".sock").encode()
    serveurs = []
    for commande in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"servir\0" + prise in commande.read_bytes():
                serveurs.append(int(commande.parent.name))
        except OSError:
            continue
    return {enfant for serveur in serveurs for enfant in enfants_de(serveur)}


def test_client_tue_enfant_arrete(tmp_path):
    """A client killed (as with its refresh) takes its dbt child with it at once."""
    avant = _enfants_du_serveur()
    client = subprocess.Popen([dbt(), "parse", "--no-partial-parse", "--target-path",
                               str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
                              cwd=RACINE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    debut = time.time()
    while not _enfants_du_serveur() - avant and time.time() - debut < 10:
        time.sleep(0.05)
    enfants = _enfants_du_serveur() - avant
    assert enfants, "the server forked no child"
    client.kill()
    client.wait()
    debut = time.time()
    while _enfants_du_serveur() & enfants and time.time() - debut < 5:
        time.sleep(0.05)
    assert not _enfants_du_serveur() & enfants, "the dbt child outlived its client"
