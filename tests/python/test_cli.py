"""The `bestmarket` command: every subcommand listed, the named environment followed by every
later command (summary, report, mf), whatever the warehouse file is called, the lock's exit
code, and settings defined once."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from support.chemins import ECHANTILLON, RACINE

from retailinsight import nuit, reglages
from retailinsight.verrou import verrou

SOUS_COMMANDES = ("refresh", "summary", "report", "docs", "freshness", "backup", "publish",
                  "open", "erase", "purge", "generate", "nightly", "bench", "dbt", "mf", "env",
                  "alerts")
MF = str(Path(sys.executable).with_name("mf"))


def environnement_cli(tmp_path: Path, **variables) -> dict:
    """A user's shell for `bestmarket`: no BESTMARKET_/DBT_ setting but those given, the named
    environments in a file of the test's own, dbt's logs beside it."""
    env = {c: v for c, v in os.environ.items()
           if not c.startswith(("BESTMARKET_", "DBT_")) or c == "BESTMARKET_DBT_THREADS"}
    env.update(BESTMARKET_CONFIG=str(tmp_path / "environnement.toml"),
               DBT_LOG_PATH=str(tmp_path / "logs"), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               PYTHONPATH=str(RACINE))
    env.update(variables)
    return env


def bestmarket(*arguments, env: dict, cwd: Path = RACINE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "retailinsight.cli", *map(str, arguments)],
                          env=env, cwd=cwd, capture_output=True, text=True)


def test_aide_liste_chaque_sous_commande(tmp_path):
    resultat = bestmarket("--help", env=environnement_cli(tmp_path))
    assert resultat.returncode == 0, resultat.stderr
    commandes = re.findall(r"^\s{2}(\w+)\s", resultat.stdout.split("Commands:")[1], re.M)
    assert set(SOUS_COMMANDES) <= set(commandes), commandes
    assert "75 locked" in " ".join(resultat.stdout.split())
    for groupe, attendues in (("backup", {"create", "list", "verify", "restore", "resume"}),
                              ("env", {"use", "list", "show"}),
                              ("alerts", {"send", "test", "ack", "list"})):
        aide = bestmarket(groupe, "--help", env=environnement_cli(tmp_path)).stdout
        assert attendues <= set(re.findall(r"^\s{2}(\w+)\s", aide.split("Commands:")[1], re.M))


def test_refresh_a_sa_propre_aide(tmp_path):
    """`refresh --help` is the refresh's, not dbt's, and names its environment variables."""
    aide = " ".join(bestmarket("refresh", "--help", env=environnement_cli(tmp_path)).stdout.split())
    assert "Arguments after `--` go to dbt" in aide
    assert "BESTMARKET_WAREHOUSE" in aide and "BESTMARKET_RAW_DIR" in aide
    assert "Usage: dbt" not in aide


def test_refresh_verrouille_sort_en_75(tmp_path):
    """Another operation holds the warehouse: the refresh stops at once, exit code 75,
    naming the holder, and leaves the warehouse as it was."""
    entrepot = tmp_path / "w.duckdb"
    entrepot.write_bytes(b"inchange")
    with verrou(entrepot, "backup"):
        resultat = bestmarket("refresh", env=environnement_cli(
            tmp_path, BESTMARKET_WAREHOUSE=str(entrepot)))
    assert resultat.returncode == 75, resultat.stderr
    assert "backup, pid" in resultat.stderr
    assert entrepot.read_bytes() == b"inchange"


def test_env_use_lit_les_chemins_depuis_le_dossier_courant(tmp_path):
    """Paths given to `env use` from outside the project are read from where they were typed,
    and every later command, wherever it runs, gets those same folders."""
    (tmp_path / "brut").mkdir()
    env = environnement_cli(tmp_path)
    choix = bestmarket("env", "use", "loin", "--raw-dir", "brut", "--warehouse",
                       "w/loin.duckdb", env=env, cwd=tmp_path)
    assert choix.returncode == 0 and "does not exist" not in choix.stderr, choix.stderr
    for dossier in (tmp_path, RACINE):
        montre = bestmarket("env", "show", env=env, cwd=dossier).stdout
        attendus = {f"BESTMARKET_RAW_DIR={tmp_path / 'brut'}",
                    f"BESTMARKET_WAREHOUSE={tmp_path / 'w' / 'loin.duckdb'}"}
        if dossier == RACINE:  # written as the file keeps them, relative to the project
            attendus = {f"BESTMARKET_RAW_DIR={os.path.relpath(tmp_path / 'brut', RACINE)}",
                        "BESTMARKET_WAREHOUSE="
                        + os.path.relpath(tmp_path / "w" / "loin.duckdb", RACINE)}
        assert attendus <= set(l.split("  #")[0] for l in montre.splitlines()), montre


def test_environnement_nomme_suivi_par_les_commandes(tmp_path, entrepot_echantillon):
    """Once `env use reel` has chosen a warehouse, the summary and the report read it with no
    variable set; a variable the caller sets still wins; an unknown name is a usage error."""
    reel = tmp_path / "donnees" / "reel.duckdb"
    reel.parent.mkdir()
    shutil.copy(entrepot_echantillon, reel)
    env = environnement_cli(tmp_path)
    choix = bestmarket("env", "use", "reel", "--raw-dir", ECHANTILLON, "--warehouse", reel,
                       env=env)
    assert choix.returncode == 0, choix.stderr
    assert 'active = "reel"' in (tmp_path / "environnement.toml").read_text()
    liste = bestmarket("env", "list", env=env).stdout
    assert re.search(r"\*\s+reel\b", liste), liste
    montre = bestmarket("env", "show", env=env).stdout
    assert "environment: reel" in montre and str(reel) in montre

    resume = bestmarket("summary", env=env)
    assert resume.returncode == 0, resume.stderr
    assert "NPS global" in resume.stdout
    sortie = tmp_path / "rapport.html"
    rapport = bestmarket("report", "--output", sortie, env=env)
    assert rapport.returncode == 0 and sortie.is_file(), rapport.stderr

    # The caller's variable wins over the environment's warehouse.
    absent = tmp_path / "absent.duckdb"
    gagne = bestmarket("summary", env=dict(env, BESTMARKET_WAREHOUSE=str(absent)))
    assert gagne.returncode != 0 and "absent.duckdb" in gagne.stderr
    # Back to the sample's warehouse, which the test's project folder does not hold.
    inconnu = bestmarket("--env", "inexistant", "summary", env=env)
    assert inconnu.returncode == 2 and "unknown environment" in inconnu.stderr


def test_rapport_sur_un_entrepot_nomme_rapport(tmp_path, entrepot_echantillon):
    """A warehouse file called `rapport.duckdb` (the name of one of its schemas) is reported
    and summarised like any other: the readers name the catalog themselves."""
    entrepot = tmp_path / "rapport.duckdb"
    shutil.copy(entrepot_echantillon, entrepot)
    env = environnement_cli(tmp_path, BESTMARKET_WAREHOUSE=str(entrepot))
    sortie = tmp_path / "sortie" / "rapport.html"
    resultat = bestmarket("report", "--output", sortie, env=env)
    assert resultat.returncode == 0, resultat.stderr[-3000:]
    assert "NPS" in sortie.read_text(encoding="utf-8")
    resume = bestmarket("summary", env=env)
    assert resume.returncode == 0 and "NPS global" in resume.stdout, resume.stderr[-3000:]


def _projet_mf(tmp_path: Path, projet_echantillon: Path) -> Path:
    """A project folder of the test's own (MetricFlow reads `<project>/target`), holding the
    semantic manifest of the sample's build: its catalog is `bestmarket`."""
    projet = tmp_path / "projet"
    projet.mkdir()
    for nom in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots",
                "analyses", "tests", "retailinsight", "data", "selectors.yml"):
        if (RACINE / nom).exists():
            (projet / nom).symlink_to(RACINE / nom)
    (projet / "target").mkdir()
    shutil.copy(projet_echantillon / "target" / "semantic_manifest.json", projet / "target")
    return projet


def test_mf_sur_un_entrepot_d_un_autre_nom(tmp_path, projet_echantillon, entrepot_echantillon):
    """After a build on `reel.duckdb`, `mf query` through `bestmarket` answers on it: the
    semantic manifest names the catalog `bestmarket`, so the plain `mf` fails there, and
    `bestmarket mf` parses the project again for that warehouse first."""
    projet = _projet_mf(tmp_path, projet_echantillon)
    reel = tmp_path / "reel.duckdb"
    shutil.copy(entrepot_echantillon, reel)
    env = environnement_cli(tmp_path, DBT_PROJECT_DIR=str(projet), DBT_PROFILES_DIR=str(projet))
    assert bestmarket("env", "use", "reel", "--raw-dir", ECHANTILLON, "--warehouse", reel,
                      env=env).returncode == 0
    sortie = tmp_path / "nps.csv"
    nu = subprocess.run([MF, "query", "--metrics", "nps", "--csv", str(sortie)], cwd=projet,
                        env=dict(env, BESTMARKET_WAREHOUSE=str(reel),
                                 BESTMARKET_RAW_DIR=str(ECHANTILLON)),
                        capture_output=True, text=True)
    assert nu.returncode != 0 or not sortie.exists(), "the trap is gone: simplify `bestmarket mf`"
    resultat = bestmarket("mf", "query", "--metrics", "nps", "--csv", sortie, env=env,
                          cwd=tmp_path)
    assert resultat.returncode == 0 and sortie.exists(), (resultat.stdout + resultat.stderr)[-3000:]
    manifeste = json.loads((projet / "target" / "semantic_manifest.json").read_text())
    assert {m["node_relation"]["database"] for m in manifeste["semantic_models"]} == {"reel"}
    with open(sortie, newline="") as fichier:
        lignes = list(csv.DictReader(fichier))
    import duckdb

    with duckdb.connect(str(reel), read_only=True) as base:
        nps = base.execute("select nps from answers.nps_global").fetchone()[0]
    assert len(lignes) == 1 and abs(float(lignes[0]["nps"]) - nps) < 1e-9


def test_generate_comme_le_generateur(tmp_path):
    from retailinsight.generateur import generer

    resultat = bestmarket("generate", "--output", tmp_path / "cli", "--rows", 500, "--seed", 7,
                          env=environnement_cli(tmp_path))
    assert resultat.returncode == 0, resultat.stderr
    generer(tmp_path / "module", 500, 7)
    for nom in ("retour_client.csv", "produit.csv", "ref_magasin.csv"):
        assert (tmp_path / "cli" / nom).read_bytes() == (tmp_path / "module" / nom).read_bytes()


def test_nightly_memes_etapes_que_make_nightly():
    texte = (RACINE / "Makefile").read_text()
    bloc = re.search(r"^nightly:.*\n((?:\t.*\n)+)", texte, re.M).group(1)
    make = [ligne.strip().replace("$(BIN)/", "").replace(
        "$(BESTMARKET_NIGHT_STATE)", reglages.ETAT_NUIT.defaut).split()
        for ligne in bloc.splitlines()]
    assert make == nuit.etapes(reglages.SAUVEGARDES_NUIT)


def test_profil_memes_defauts_que_les_reglages():
    """profiles.yml must keep defaults in its env_var() calls (dbt reads it without Python):
    they are the settings module's."""
    profil = (RACINE / "profiles.yml").read_text()
    defauts = dict(re.findall(r"env_var\('(BESTMARKET_[A-Z_]+)', '([^']*)'\)", profil))
    assert len(defauts) >= 9
    for variable, defaut in defauts.items():
        reglage = next(r for r in reglages.TOUS if r.variable == variable)
        assert defaut == reglage.defaut, variable
    # The Spark sources' macro (Jinja, no Python either) names the bundled sample's folder.
    macro = (RACINE / "macros" / "sources" / "preparer_sources_brutes.sql").read_text()
    assert re.findall(r"~ '([a-z/]+)' -%}", macro) == [reglages.ECHANTILLON]


def test_reglages_definis_une_fois():
    """No product module but the settings module names a setting's variable or the default
    warehouse and sample paths."""
    noms = [r.variable for r in reglages.TOUS]
    for module in sorted((RACINE / "retailinsight").glob("*.py")):
        if module.name == "reglages.py":
            continue
        texte = module.read_text()
        for nom in noms:
            assert f'"{nom}"' not in texte, f"{module.name} names {nom}"
        for defaut in ('"warehouse/bestmarket.duckdb"', '"data/echantillon"', '"backups"'):
            assert defaut not in texte, f"{module.name} repeats {defaut}"
    assert yaml.safe_load((RACINE / ".github" / "workflows" / "nightly.yml").read_text())
