"""The README's walk-through, run as written: every command a user is shown works, in the
README's order, on a fresh copy of the project, after `make run`. (Tests once left
their manifest in the user's `target/`, which made `mf query` fail afterwards with `Catalog "w"
does not exist`; the whole suite is held to leaving the user's folders byte for byte unchanged
by `conftest.pytest_sessionfinish`, on every run, which covers that for every test at once.)

The commands are read from the README (between `<!-- visite:debut -->` and
`<!-- visite:fin -->`), so the README and this test cannot drift apart. The copy holds the
files git tracks (uncommitted edits included, nothing ignored: no warehouse, no target/), and
uses the project's virtualenv; the user's own folders are never touched (the suite checks that
too, see `conftest.pytest_sessionfinish`)."""

import os
import re
import shutil
import subprocess

import pytest

from support.chemins import RACINE
from support.dossiers_utilisateur import DOSSIERS_UTILISATEUR, empreinte_dossiers_utilisateur
from support.projet import environnement_utilisateur, lignes_en_erreur

DEBUT, FIN = "<!-- visite:debut -->", "<!-- visite:fin -->"


def commandes_readme() -> list[str]:
    texte = (RACINE / "README.md").read_text()
    assert DEBUT in texte and FIN in texte, "the README has no walk-through block"
    bloc = texte.split(DEBUT, 1)[1].split(FIN, 1)[0]
    lignes = bloc.strip().splitlines()
    assert lignes[0] == "```sh" and lignes[-1] == "```", "the walk-through is one sh block"
    return [l for l in lignes[1:-1] if l.strip() and not l.lstrip().startswith("#")]


def test_le_readme_montre_les_deux_commandes():
    texte = (RACINE / "README.md").read_text()
    bloc = texte.split("## Two commands on a fresh machine", 1)[1].split("##", 1)[0]
    assert re.search(r"^make run\b", bloc, re.M) and re.search(r"^make test\b", bloc, re.M)
    assert commandes_readme()[0] == "make run"


def test_visite_du_readme(projet_echantillon, tmp_path):
    if not (RACINE / ".venv" / "bin" / ".installed").is_file():
        pytest.skip("the virtualenv is made by `make run` / `make test`")
    # The first command, `make run`, ran on a fresh copy of the project (`projet_echantillon`,
    # which checks that it succeeded without an error line); the others go on from a copy of
    # that folder, in one shell (the `export` lines carry over). Each is announced, so a
    # failure names it.
    commandes = commandes_readme()
    assert commandes[0] == "make run"
    projet = tmp_path / "clone"
    shutil.copytree(projet_echantillon, projet, symlinks=True)
    script = "set -eo pipefail\n" + "".join(
        f"echo '>>> {i}'\n{c}\n" for i, c in enumerate(commandes) if i)
    resultat = subprocess.run(["bash", "-c", script], cwd=projet,
                              env=environnement_utilisateur(tmp_path / "home"),
                              capture_output=True, text=True, timeout=900)
    sortie = resultat.stdout + resultat.stderr
    derniere = max([int(m) for m in re.findall(r"^>>> (\d+)$", resultat.stdout, re.M)] or [0])
    assert resultat.returncode == 0, f"`{commandes[derniere]}` failed:\n{sortie[-5000:]}"
    assert derniere == len(commandes) - 1
    assert lignes_en_erreur(sortie) == [], sortie[-5000:]
    assert (projet / "warehouse" / "restaure.duckdb").is_file()
    assert (projet / "rapport" / "rapport_nps.html").is_file()


def test_la_garde_des_dossiers_utilisateur_voit_tout_changement(tmp_path):
    """The suite-wide guard (`conftest.pytest_sessionfinish`) compares two fingerprints of the
    user's folders: a file added, removed, or changed in one byte with its size and mtime put
    back, and a new empty folder, each make them differ."""
    for nom in DOSSIERS_UTILISATEUR:
        (tmp_path / nom).mkdir()
    fichier = tmp_path / "target" / "manifest.json"
    fichier.write_bytes(b"{}" * 100)
    avant = empreinte_dossiers_utilisateur(tmp_path)
    assert empreinte_dossiers_utilisateur(tmp_path) == avant
    etat = fichier.stat()
    fichier.write_bytes(b"[]" + b"{}" * 99)
    os.utime(fichier, ns=(etat.st_atime_ns, etat.st_mtime_ns))
    assert fichier.stat().st_size == etat.st_size
    assert empreinte_dossiers_utilisateur(tmp_path) != avant
    fichier.write_bytes(b"{}" * 100)
    os.utime(fichier, ns=(etat.st_atime_ns, etat.st_mtime_ns))
    assert empreinte_dossiers_utilisateur(tmp_path) == avant
    (tmp_path / "logs" / "dbt.log").write_text("")
    assert empreinte_dossiers_utilisateur(tmp_path) != avant
    (tmp_path / "logs" / "dbt.log").unlink()
    (tmp_path / "warehouse" / "vide").mkdir()
    assert empreinte_dossiers_utilisateur(tmp_path) != avant
    (tmp_path / "warehouse" / "vide").rmdir()
    fichier.unlink()
    assert empreinte_dossiers_utilisateur(tmp_path) != avant
