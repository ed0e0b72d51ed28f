"""Shared helpers: run dbt as a user would, on a chosen raw folder and warehouse file."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
ECHANTILLON = RACINE / "data" / "echantillon"
DONNEES_REELLES = (RACINE / ".." / "shared" / "datasets" / "bestmarket").resolve()
DBT = str(Path(sys.executable).with_name("dbt"))
# dbt's unit tests mock their inputs: they give the same result whatever the raw folder. They
# run in the build of the sample (`make run`, `projet_echantillon`); the other builds of the
# suite, the real dataset's included, leave them out (5 s each).
SANS_TESTS_UNITAIRES = ("--exclude-resource-type", "unit_test")
# The tests of loading (refresh, faults, quarantine, GDPR) build the selector `ingestion`
# (selectors.yml: everything but answers, report and semantic layer, and their tests, and but
# the tests of the seeds alone), about half the work of a build; the fixtures whose warehouse
# is read for answers build everything, the seeds' tests included.
INGESTION = ("--selector", "ingestion")
COMPLET = ("build", *SANS_TESTS_UNITAIRES)


@pytest.fixture(scope="session", autouse=True)
def _dbt_chaud(tmp_path_factory, _cache_analyses):
    """This worker's warm dbt (`dbt_chaud.py`): a server that has imported dbt once and forks
    a child per command. BESTMARKET_DBT points the refresh, and every command of the product
    that runs dbt, at its client; the suite's own dbt commands use it too (`dbt()`). The
    server dies with the worker (Linux parent-death signal); without it the client runs the
    real dbt."""
    from retailinsight.rafraichir import mourir_avec_le_parent

    dossier = tmp_path_factory.getbasetemp()
    prise = dossier / "dbt-chaud.sock"
    # Set before the server starts: its warm-up parses with the environment that the tests'
    # dbt commands have, and shares that parse state with them (`amorcer_analyse`).
    # Two pytest workers already keep both cores busy: a second dbt thread per build only
    # adds switching between threads (about 10 % more CPU per build, measured). The README's
    # own commands (`environnement_utilisateur`) keep the profile's default.
    os.environ["BESTMARKET_DBT_THREADS"] = "1"
    with open(dossier / "dbt-chaud.log", "w") as journal:
        serveur = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("dbt_chaud.py")), "servir", str(prise),
             str(cache_analyses() / "w.duckdb.msgpack")],
            env=dict(os.environ, PYTHONPATH=str(RACINE)), stdin=subprocess.DEVNULL,
            stdout=journal, stderr=journal, preexec_fn=mourir_avec_le_parent(os.getpid()))
    import dbt_chaud

    # Ready once its socket exists (it listens after importing dbt, about 2 s, then warms dbt
    # up for about 8 s while clients wait in its queue); until then a client would fall back
    # to the real dbt.
    debut = time.time()
    while not prise.exists() and serveur.poll() is None and time.time() - debut < 60:
        time.sleep(0.05)
    client = dbt_chaud.ecrire_client(str(dossier / "dbt-chaud"), str(prise), DBT)
    os.environ["BESTMARKET_DBT"] = client
    yield
    del os.environ["BESTMARKET_DBT"], os.environ["BESTMARKET_DBT_THREADS"]
    serveur.kill()
    serveur.wait()


def dbt() -> str:
    """The dbt the suite runs: this worker's warm dbt (`_dbt_chaud`), else the real one."""
    return os.environ.get("BESTMARKET_DBT") or DBT


def lancer_dbt(*arguments, dossier_brut: Path, entrepot: Path, cible: Path | None = None,
               verifier: bool = True) -> subprocess.CompletedProcess:
    """Run `dbt <arguments>` on `dossier_brut`, writing `entrepot`, from the warehouse's folder
    (see `environnement_relatif`); target and logs go to `cible` (default: beside the
    warehouse), never to the project's own folders."""
    cible = cible or entrepot.parent / "target"
    commande = [dbt(), *arguments, "--profiles-dir", str(RACINE), "--project-dir", str(RACINE),
                "--target-path", str(cible)]
    amorcer_analyse(cible, entrepot.name)
    entrepot.parent.mkdir(parents=True, exist_ok=True)
    resultat = subprocess.run(commande, cwd=entrepot.parent,
                              env=environnement_relatif(dossier_brut, entrepot),
                              capture_output=True, text=True)
    if verifier and resultat.returncode != 0:
        raise AssertionError(f"{' '.join(commande)} failed:\n{resultat.stdout[-6000:]}\n"
                             f"{resultat.stderr[-2000:]}")
    memoriser_analyse(cible, entrepot.name)
    return resultat


CACHE_ANALYSES: list[Path] = []


def cache_analyses() -> Path | None:
    """Folder shared by every worker of this run (and only by it) for dbt's parse state."""
    return CACHE_ANALYSES[0] if CACHE_ANALYSES else None


@pytest.fixture(scope="session", autouse=True)
def _cache_analyses(tmp_path_factory):
    racine = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        racine = racine.parent
    (racine / "analyses-dbt").mkdir(exist_ok=True)
    CACHE_ANALYSES[:] = [racine / "analyses-dbt"]


def amorcer_analyse(cible: Path, cle: str) -> None:
    """Give a new target folder the parse state (`partial_parse.msgpack`) of an earlier run
    with the same rendered profile, so that dbt parses only what changed (nothing) instead of
    the whole project: about 5 s saved per dbt command. dbt itself checks that the profile,
    the variables and every project file still match, and parses in full if not."""
    cache = cache_analyses()
    if not cache or (cible / "partial_parse.msgpack").exists():
        return
    source = cache / f"{cle}.msgpack"
    # The warm dbt's servers make the state of `w.duckdb` at the start of a run, under this
    # lock (`dbt_chaud._echauffer`, which gives its parse 5 minutes at most): wait for it
    # rather than parse in full beside them, but never forever.
    with open(cache / f"{cle}.msgpack.verrou", "a") as verrou:
        limite = time.monotonic() + 360
        while True:
            try:
                fcntl.flock(verrou, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > limite:
                    return
                time.sleep(0.1)
        if source.is_file():
            cible.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, cible / "partial_parse.msgpack")


def memoriser_analyse(cible: Path, cle: str) -> None:
    cache = cache_analyses()
    produit = cible / "partial_parse.msgpack"
    if cache and produit.is_file() and not (cache / f"{cle}.msgpack").exists():
        temporaire = cache / f"{cle}.{os.getpid()}.tmp"
        shutil.copy(produit, temporaire)
        os.replace(temporaire, cache / f"{cle}.msgpack")


def enfants_de(pid: int) -> list[int]:
    """Pids of the direct children of `pid` (from /proc)."""
    enfants = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            champs = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(champs[1]) == pid:
            enfants.append(int(stat.parent.name))
    return enfants


def vivant(pid: int) -> bool:
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return etat != "Z"


def lire_csv(chemin: Path) -> list[list[str]]:
    """Rows of a raw CSV export, read independently of dbt (Windows-1252, `;`, CRLF)."""
    with open(chemin, encoding="cp1252", newline="") as fichier:
        return list(csv.reader(fichier, delimiter=";"))


def lire_sqlite(chemin: Path, table: str) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(chemin) as base:
        return base.execute(f"select * from {table}").fetchall()


def requete(entrepot: Path, sql: str) -> list[tuple]:
    """Query the warehouse with a plain DuckDB client (no extension loaded)."""
    import duckdb

    with duckdb.connect(str(entrepot), read_only=True) as base:
        return base.execute(sql).fetchall()


def copier_dossier(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination)
    return destination


def une_fois(tmp_path_factory, nom: str, construire) -> Path:
    """Folder `nom` shared by every pytest-xdist worker of the run, filled once by
    `construire(folder)` under a file lock: the warehouses that tests only read are built once
    per run, not once per worker. The tests that change one work on a copy."""
    racine = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        racine = racine.parent
    dossier = racine / f"partage-{nom}"
    dossier.mkdir(exist_ok=True)
    with open(racine / f"partage-{nom}.lock", "w") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX)
        if not (dossier / ".fait").exists():
            construire(dossier)
            (dossier / ".fait").touch()
    return dossier


@contextmanager
def a_son_tour(entrepot: Path):
    """An operation that takes the warehouse's lock (a backup, a publication, a restore onto
    it), run on a warehouse that both workers share (`une_fois`), waits here for the other
    worker's to end: the product refuses a second one at once (exit code 75, what the lock's
    own tests check), and the tests that share the warehouse are not about that. On a
    warehouse of the test's own, nothing to wait for."""
    dossier = entrepot.parent
    if not dossier.name.startswith("partage-"):
        yield
        return
    with open(dossier.with_name(dossier.name + ".tour"), "w") as tour:
        fcntl.flock(tour, fcntl.LOCK_EX)
        yield


def copie_fraiche(destination: Path) -> Path:
    """The project as a fresh clone would have it: the files git tracks or would track
    (uncommitted edits included, nothing ignored: no warehouse, no target/), and the
    project's virtualenv linked."""
    fichiers = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=RACINE,
        capture_output=True, check=True).stdout.decode().split("\0")
    for nom in filter(None, fichiers):
        source = RACINE / nom
        if source.is_file():
            (destination / nom).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / nom)  # mtimes kept: make sees nothing to redo
    (destination / ".venv").symlink_to(RACINE / ".venv")
    return destination


def environnement_utilisateur(maison: Path) -> dict:
    """A user's shell: none of the suite's BESTMARKET_/DBT_ settings, a home of its own."""
    env = {c: v for c, v in os.environ.items()
           if not c.startswith(("BESTMARKET_", "DBT_", "PYTEST_"))}
    maison.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(maison), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return env


# A line that reports a failure: an error, a Python traceback, a dbt error count above zero;
# not the wording that names errors without reporting one (the summary's NPS tables).
ERREUR = re.compile(r"(?i)(^|[^a-z_])(error|erreur|traceback)(?!=0)([^a-z_]|$)")
SANS_ERREUR = ("margin of error",)


def lignes_en_erreur(sortie: str) -> list[str]:
    return [l for l in sortie.splitlines() if ERREUR.search(l) and "ERROR=0" not in l
            and not any(m in l for m in SANS_ERREUR)]


@pytest.fixture(scope="session")
def projet_echantillon(tmp_path_factory) -> Path:
    """A fresh copy of the project after the README's first command, `make run`, as a user
    runs it: the refresh builds everything (unit tests included) on the bundled sample into
    `warehouse/bestmarket.duckdb`, then prints the summary. Run once per run: the README's
    walk-through goes on from a copy of this folder, and the tests that read the sample's
    warehouse read its warehouse (`entrepot_echantillon`)."""
    def construire(dossier: Path):
        projet = copie_fraiche(dossier / "projet")
        resultat = subprocess.run(["make", "run"], cwd=projet, capture_output=True, text=True,
                                  env=environnement_utilisateur(dossier / "maison"))
        sortie = resultat.stdout + resultat.stderr
        assert resultat.returncode == 0, f"`make run` failed:\n{sortie[-5000:]}"
        assert lignes_en_erreur(sortie) == [], sortie[-5000:]
        # The suite's only run of dbt's unit tests (the other builds leave them out).
        assert re.search(r"\b[1-9][0-9]* unit tests\b", sortie), sortie[-5000:]
    return une_fois(tmp_path_factory, "echantillon", construire) / "projet"


@pytest.fixture(scope="session")
def entrepot_echantillon(projet_echantillon) -> Path:
    """Warehouse that `make run` built on the bundled sample (read it; copy it to change it);
    dbt's target folder of that build is `projet_echantillon / "target"`."""
    return projet_echantillon / "warehouse" / "bestmarket.duckdb"


@pytest.fixture(scope="session")
def entrepot_reel(tmp_path_factory) -> Path:
    """Warehouse built by `dbt build` (all but the unit tests, which the sample's build runs)
    on the real BestMarket dataset in ../shared.

    Required in CI (CI=true): missing data fails there. Elsewhere it is skipped, visibly.
    """
    if not (DONNEES_REELLES / "Satisfaction.db").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real dataset missing at {DONNEES_REELLES}: required when CI=true")
        pytest.skip(f"real dataset not found at {DONNEES_REELLES} (required only when CI=true)")
    dossier = une_fois(tmp_path_factory, "reel", lambda d: lancer_dbt(
        *COMPLET, dossier_brut=DONNEES_REELLES, entrepot=d / "w.duckdb", cible=d / "target"))
    return dossier / "w.duckdb"


def environnement(dossier_brut: Path, entrepot: Path) -> dict:
    """Environment of a command run from the project root on `dossier_brut` and `entrepot`:
    dbt's target and logs go beside the warehouse, never to the project's folders."""
    return dict(os.environ, BESTMARKET_RAW_DIR=str(dossier_brut),
                BESTMARKET_WAREHOUSE=str(entrepot), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
                DBT_TARGET_PATH=str(entrepot.parent / "target"),
                DBT_LOG_PATH=str(entrepot.parent / "logs"))


def environnement_relatif(dossier_brut: Path, entrepot: Path) -> dict:
    """Environment of a command run from the warehouse's own folder, the warehouse named by
    its bare file name. The path dbt-duckdb opens is part of the profile that dbt hashes to
    decide whether its saved parse state still holds: with the same bare name everywhere,
    every test shares it (`amorcer_analyse`)."""
    return dict(environnement(dossier_brut, entrepot), BESTMARKET_WAREHOUSE=entrepot.name,
                DBT_PROJECT_DIR=str(RACINE), DBT_PROFILES_DIR=str(RACINE),
                PYTHONPATH=str(RACINE))


def lancer_module(module: str, *arguments, dossier_brut: Path, entrepot: Path,
                  verifier: bool = True, relatif: bool = True,
                  **options) -> subprocess.CompletedProcess:
    """Run `python -m <module> <arguments>` as a user would: from the warehouse's folder
    (`environnement_relatif`), or with `relatif=False` from the project root with the
    warehouse's full path."""
    # A module that runs dbt (the GDPR commands recompute the answers through the refresh)
    # does it with the target beside the warehouse: it starts from the parse state saved for
    # the warehouse's bare name. Only the dbt commands of this file save one (a module's own
    # dbt profile depends on its arguments, `--entrepot` for one).
    if relatif:
        entrepot.parent.mkdir(parents=True, exist_ok=True)
        dossier, env = entrepot.parent, environnement_relatif(dossier_brut, entrepot)
        amorcer_analyse(entrepot.parent / "target", entrepot.name)
    else:
        dossier, env = RACINE, environnement(dossier_brut, entrepot)
    with a_son_tour(entrepot):
        resultat = subprocess.run([sys.executable, "-m", module, *map(str, arguments)],
                                  cwd=dossier, env=env, capture_output=True, text=True,
                                  **options)
    if verifier and resultat.returncode != 0:
        raise AssertionError(f"{module} {arguments} failed:\n{resultat.stdout[-6000:]}\n"
                             f"{resultat.stderr[-3000:]}")
    return resultat


def rafraichir(dossier_brut: Path, entrepot: Path, *arguments, verifier: bool = True,
               relatif: bool = True):
    """The nightly refresh (`python -m retailinsight.rafraichir build`) on a raw folder;
    by default what loading changes (`INGESTION`), `COMPLET` for everything."""
    # From the project root (`relatif=False`), the target is the one beside the warehouse
    # that a module's later dbt command on the same copy uses (`lancer_module`).
    cible = entrepot.with_name(entrepot.stem + "-target") if relatif else \
        entrepot.parent / "target"
    cle = entrepot.name  # the profile names the warehouse, not the refresh's working copy
    if "--vars" in arguments:  # part of the parse state too
        cle += "." + hashlib.sha256(arguments[arguments.index("--vars") + 1].encode()).hexdigest()
    if relatif:
        amorcer_analyse(cible, cle)
    resultat = lancer_module("retailinsight.rafraichir",
                             *(arguments or (*COMPLET, *INGESTION)),
                             "--target-path", cible, dossier_brut=dossier_brut,
                             entrepot=entrepot, verifier=verifier, relatif=relatif)
    if resultat.returncode == 0 and relatif:
        memoriser_analyse(cible, cle)
    return resultat


def contenu_table(entrepot: Path, table: str, exclure=()) -> list[tuple]:
    """Sorted rows of a table (minus some columns), to compare two warehouses."""
    import duckdb

    with duckdb.connect(str(entrepot), read_only=True) as base:
        colonnes = [c for (c,) in base.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name || '.' || table_name = ? order by column_index", [table]).fetchall()
            if c not in exclure]
        liste = ", ".join(f'"{c}"' for c in colonnes)
        return base.execute(f"select {liste} from {table} order by all").fetchall()


def tables_differentes(a: Path, b: Path, noms=None, exclure=()) -> list[str]:
    """The tables (`noms`, default: every table of either warehouse) that differ between the
    warehouses `a` and `b`: missing from one, other columns (names, order, types, minus
    `exclure`), or other rows, compared as multisets (each row with its number of copies).
    DuckDB compares them (EXCEPT ALL both ways) in one connection: reading every row back
    into Python, as `contenu_table` does, costs about 4 times as much CPU."""
    import duckdb

    from retailinsight.rafraichir import litteral

    with duckdb.connect() as base:
        base.execute(f"attach {litteral(a)} as a (read_only)")
        base.execute(f"attach {litteral(b)} as b (read_only)")

        def colonnes(catalogue: str, table: str) -> list[tuple]:
            return [(c, t) for c, t in base.execute(
                "select column_name, data_type from duckdb_columns() where database_name = ? "
                "and schema_name || '.' || table_name = ? order by column_index",
                [catalogue, table]).fetchall() if c not in exclure]

        if noms is None:
            noms = sorted({f"{s}.{t}" for s, t in base.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name in ('a', 'b')").fetchall()})
        differentes = []
        for table in noms:
            colonnes_a = colonnes("a", table)
            if not colonnes_a or colonnes_a != colonnes("b", table):
                differentes.append(table)
                continue
            liste = ", ".join(f'"{c}"' for c, _ in colonnes_a)
            a_seul, b_seul = (f"select {liste} from {x}.{table} except all "
                              f"select {liste} from {y}.{table}" for x, y in ("ab", "ba"))
            if base.execute(f"select (select count(*) from ({a_seul})) "
                            f"+ (select count(*) from ({b_seul}))").fetchone()[0]:
                differentes.append(table)
    return differentes


def tables(entrepot: Path) -> list[str]:
    import duckdb

    with duckdb.connect(str(entrepot), read_only=True) as base:
        return [f"{s}.{t}" for s, t in base.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() order by 1, 2").fetchall()]


@pytest.fixture(scope="session")
def dossier_genere(tmp_path_factory) -> Path:
    """A generated raw folder (1,200 feedbacks, overlapping exports), for the operations tests."""
    from retailinsight.generateur import generer

    return une_fois(tmp_path_factory, "genere", lambda d: generer(d / "brut", 1200, 31)) / "brut"


@pytest.fixture(scope="session")
def entrepot_genere(tmp_path_factory, dossier_genere) -> Path:
    """The warehouse of `dossier_genere`, built once per run (not once per worker) by the
    refresh, everything but unit tests; copy it before changing it."""
    dossier = une_fois(tmp_path_factory, "entrepot-genere", lambda d: rafraichir(
        dossier_genere, d / "w.duckdb", *COMPLET))
    return dossier / "w.duckdb"


@pytest.fixture
def copie_entrepot(entrepot_genere, tmp_path) -> Path:
    copie = tmp_path / "w.duckdb"
    shutil.copy(entrepot_genere, copie)
    return copie


@pytest.fixture(scope="session")
def docs_echantillon(tmp_path_factory, entrepot_echantillon) -> Path:
    """Target folder of `dbt docs generate` on a copy of the sample's warehouse (manifest,
    catalog and the site's index.html), generated once per run."""
    def generer(dossier: Path):
        entrepot = dossier / "w.duckdb"
        shutil.copy(entrepot_echantillon, entrepot)
        lancer_dbt("docs", "generate", dossier_brut=ECHANTILLON, entrepot=entrepot,
                   cible=dossier / "target")
    return une_fois(tmp_path_factory, "docs", generer) / "target"


# The user's own folders: a test run must leave them exactly as it found them (issue 13). The
# controller process (not a pytest-xdist worker) fingerprints them before the run and checks
# after it; any change fails the run, naming the files.
DOSSIERS_UTILISATEUR = ("target", "logs", "warehouse", "rapport", "backups", "publication",
                        "cache-chiffre")


def empreinte_dossiers_utilisateur(racine: Path = RACINE) -> dict[str, tuple]:
    """{path: (size, mtime in ns, content hash)} of every file under the user's folders of
    the project at `racine` (a folder: its own entry), to compare byte for byte."""
    empreinte = {}
    for nom in DOSSIERS_UTILISATEUR:
        if not (racine / nom).exists():
            continue
        empreinte[nom + "/"] = (0, 0)
        for chemin in (racine / nom).rglob("*"):
            if chemin.is_dir():
                empreinte[str(chemin.relative_to(racine)) + "/"] = (0, 0)
            elif chemin.is_file():
                etat = chemin.stat()
                with open(chemin, "rb") as fichier:
                    contenu = hashlib.file_digest(fichier, "blake2b").hexdigest()
                empreinte[str(chemin.relative_to(racine))] = (etat.st_size, etat.st_mtime_ns,
                                                              contenu)
    return empreinte


def pytest_sessionstart(session):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        session.config._dossiers_utilisateur = empreinte_dossiers_utilisateur()


def pytest_sessionfinish(session, exitstatus):
    avant = getattr(session.config, "_dossiers_utilisateur", None)
    if avant is None or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    apres = empreinte_dossiers_utilisateur()
    changes = sorted(c for c in set(avant) | set(apres) if avant.get(c) != apres.get(c))
    if changes:
        print("\nFAILED: the test run changed the user's folders (tests must work in temporary "
              "folders only):\n  " + "\n  ".join(changes[:50]), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# Seconds that the longest tests take here (their shared warehouses included), measured; the
# others count as one. pytest-xdist's `worksteal` hands each of the 2 workers one contiguous
# half of the list, then moves queued tests from the busier one: each half gets about the
# same share of the long tests, longest first, so that neither worker is left with a long
# test once the other has nothing more to do.
DUREES = {"test_visite_du_readme": 88, "test_sqlfluff_lint_propre": 56,
          "test_jour_par_jour_egal_au_rafraichissement_complet": 49,
          "test_apostrophes_dans_les_chemins": 28,
          "test_rafraichissement_interrompu_laisse_l_etat_precedent": 17,
          "test_purge_des_lignes_sans_date_lisible": 17, "test_purge_de_retention": 16,
          "test_deuxieme_passage_ne_change_rien": 16, "test_fichiers_publies_apres_effacement": 15,
          "test_effacement_de_toutes_les_formes_brutes": 12,
          "test_ligne_modifiee_mise_a_jour_et_historisee": 12,
          "test_retour_supprime_a_la_source_quitte_le_fait": 11,
          "test_historique_produit_renomme_et_magasin_demenage": 11,
          "test_deux_rafraichissements_simultanes": 10, "test_verrou_tenu_tant_que_dbt_tourne": 10,
          "test_note_moyenne_par_typologie_et_recommandation": 10,
          "test_sauvegarde_puis_restauration_identiques": 10, "test_fraicheur_des_sources": 9,
          "test_effacement_sur_demande": 9, "test_fichier_vide_accepte": 8,
          "test_rapport_dans_chromium": 8, "test_memoire_bornee": 8}


@pytest.hookimpl(trylast=True)  # after the `-m "not spark"` deselection
def pytest_collection_modifyitems(config, items):
    duree = lambda item: DUREES.get(item.name.split("[")[0], 1)  # noqa: E731
    moities, totaux = ([], []), [0, 0]
    for item in sorted(items, key=duree, reverse=True):
        if duree(item) > 1:
            cote = totaux.index(min(totaux))
            moities[cote].append(item)
            totaux[cote] += duree(item)
    courts = [item for item in items if duree(item) <= 1]
    manque = max(0, len(items) // 2 - len(moities[0]))
    moities[0].extend(courts[:manque])
    moities[1].extend(courts[manque:])
    items[:] = moities[0] + moities[1]
