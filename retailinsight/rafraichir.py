"""Refresh the warehouse safely: one build at a time, and never a half-written warehouse.

    python -m retailinsight.rafraichir [dbt arguments…]      (default: build)

1. Takes an exclusive lock on `<warehouse>.lock`; if another refresh holds it, stops at once
   with exit code 75 and a message naming the holder, without touching anything.
2. Copies the current warehouse (incremental state included) into the private folder
   `<warehouse>.en-cours/` and runs dbt against that copy. The profile still names the
   warehouse: the plugin opens the copy (BESTMARKET_WAREHOUSE_EN_COURS), so the refresh and
   direct dbt commands share dbt's parse state.
3. Only when dbt succeeds, atomically replaces the warehouse with the copy (`os.replace`):
   a build that fails or is killed midway leaves the previous good warehouse as it was.
On Spark (`--target spark`, issue 12) the lock is `<BESTMARKET_SPARK_WAREHOUSE>.lock` and dbt
writes the tables in place, one by one: a Spark warehouse is a folder of Parquet tables and a
metastore, with no single file to copy and swap, and without Delta Lake a table is dropped and
written again; a failed Spark build is repaired by the next one.
The lock is held for as long as any dbt process of the refresh runs: dbt inherits the locked
file (the lock belongs to the open file, shared by both processes), and is killed when the
refresh process dies (Linux parent-death signal), so a second refresh cannot start beside an
orphaned build.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

CODE_VERROU_PRIS = 75  # EX_TEMPFAIL: try again later
RACINE = Path(__file__).resolve().parents[1]


class VerrouPris(RuntimeError):
    """Another refresh (or backup, or publication) holds the warehouse lock."""


def litteral(texte) -> str:
    """`texte` (a path, a key) as a SQL string literal, quotes doubled: for the statements
    that take no parameter (ATTACH, EXPORT/IMPORT DATABASE, LOAD). Never paste a path bare."""
    return "'" + str(texte).replace("'", "''") + "'"


def chemin_entrepot() -> Path:
    return Path(os.environ.get("BESTMARKET_WAREHOUSE", "warehouse/bestmarket.duckdb"))


def chemin_registre(entrepot: Path | None = None) -> Path:
    """The GDPR register of `entrepot` (erased keys as keyed hashes, retention limits applied):
    BESTMARKET_REGISTRE, default `<warehouse stem>.registre.csv` beside the warehouse. It lives
    outside the warehouse so that a restored backup or a rebuild from the exports meets it."""
    entrepot = entrepot or chemin_entrepot()
    return Path(os.environ.get("BESTMARKET_REGISTRE")
                or entrepot.with_name(entrepot.stem + ".registre.csv"))


@contextmanager
def verrou(entrepot: Path, operation: str = "refresh"):
    """Exclusive, non-blocking lock on the warehouse, released when the process ends."""
    entrepot.parent.mkdir(parents=True, exist_ok=True)
    chemin = entrepot.with_name(entrepot.name + ".lock")
    fichier = open(chemin, "a+")
    try:
        fcntl.flock(fichier, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fichier.seek(0)
        detenteur = fichier.read().strip() or "unknown process"
        fichier.close()
        raise VerrouPris(f"warehouse {entrepot} is locked by another operation ({detenteur}); "
                         "nothing was changed: try again when it has finished") from None
    fichier.seek(0)
    fichier.truncate()
    fichier.write(f"{operation}, pid {os.getpid()}\n")
    fichier.flush()
    try:
        yield fichier
    finally:
        fichier.seek(0)
        fichier.truncate()
        fcntl.flock(fichier, fcntl.LOCK_UN)
        fichier.close()


def mourir_avec_le_parent(parent: int):
    """preexec_fn for a child that must not outlive this process: asks Linux to SIGKILL it
    when its parent dies (PR_SET_PDEATHSIG), and exits at once if the parent already died."""
    def preparer():
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(1)
    return preparer


def environnement_dbt(**variables) -> dict:
    """Environment of a dbt child: the project and its profile are found from any working
    directory (a relative warehouse path stays relative to the caller's directory), and the
    plugin's package is importable."""
    env = dict(os.environ, **variables)
    env.setdefault("DBT_PROJECT_DIR", str(RACINE))
    env.setdefault("DBT_PROFILES_DIR", str(RACINE))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(RACINE), env.get("PYTHONPATH")]))
    return env


def cible_dbt(arguments: list[str]) -> str | None:
    """The dbt target named by `--target`/`-t` among the arguments (None: the profile's)."""
    for i, argument in enumerate(arguments):
        if argument in ("--target", "-t") and i + 1 < len(arguments):
            return arguments[i + 1]
        if argument.startswith("--target="):
            return argument.split("=", 1)[1]
    return None


def chemin_entrepot_spark() -> Path:
    return Path(os.environ.get("BESTMARKET_SPARK_WAREHOUSE", "warehouse/spark"))


def executable_dbt() -> str:
    """The dbt executable to run: BESTMARKET_DBT if set, else the virtualenv's `dbt`."""
    return os.environ.get("BESTMARKET_DBT") or str(Path(sys.executable).with_name("dbt"))


def lancer_dbt(arguments: list[str], env: dict, fichier_verrou) -> int:
    """dbt in a child that holds the lock with this process and dies with it."""
    dbt = executable_dbt()
    return subprocess.run([dbt, *(arguments or ["build"])], env=env,
                          pass_fds=(fichier_verrou.fileno(),),
                          preexec_fn=mourir_avec_le_parent(os.getpid())).returncode


def rafraichir_spark(arguments: list[str]) -> int:
    """The Spark target: dbt writes its tables in place, under the Spark warehouse's lock."""
    entrepot = chemin_entrepot_spark()
    with verrou(entrepot, "refresh (spark)") as fichier_verrou:
        code = lancer_dbt(arguments, environnement_dbt(), fichier_verrou)
        if code != 0:
            print(f"dbt failed (exit {code}) on Spark: the tables it had not replaced in "
                  f"{entrepot} are left as they were", file=sys.stderr)
        return code


def rafraichir(arguments: list[str], entrepot: Path | None = None) -> int:
    """Run dbt on a copy of the warehouse and swap it in on success; return dbt's exit code."""
    if cible_dbt(arguments) == "spark":
        return rafraichir_spark(arguments)
    variables = {}
    if entrepot is not None and os.environ.get("BESTMARKET_WAREHOUSE") != str(entrepot):
        variables["BESTMARKET_WAREHOUSE"] = str(entrepot)
    entrepot = entrepot or chemin_entrepot()
    # The working copy keeps the warehouse's file name (DuckDB names the database after it),
    # in a folder of its own that also holds its WAL and DuckDB's spill folder.
    dossier = entrepot.with_name(entrepot.name + ".en-cours")
    copie = dossier / entrepot.name
    variables["BESTMARKET_WAREHOUSE_EN_COURS"] = str(copie)
    with verrou(entrepot, "refresh") as fichier_verrou:
        # What a killed refresh left (feedback rows, in the copy and the spill folder); the
        # files of the layout before the folder too.
        effacer_copie_de_travail(dossier)
        dossier.mkdir(mode=0o700)
        if entrepot.exists():
            shutil.copy2(entrepot, copie)
        code = lancer_dbt(arguments, environnement_dbt(**variables), fichier_verrou)
        if code != 0:
            effacer_copie_de_travail(dossier)
            print(f"dbt failed (exit {code}): {entrepot} left unchanged", file=sys.stderr)
            return code
        os.chmod(copie, 0o600)  # the warehouse holds feedback rows: owner only
        os.replace(copie, entrepot)
        effacer_copie_de_travail(dossier)
        return 0


def marque_compaction(entrepot: Path) -> Path:
    return entrepot.with_name(entrepot.name + ".compaction-due")


def marquer_compaction_due(entrepot: Path) -> None:
    """Record, durably and before a deletion commits, that `entrepot` owes a compaction (its
    deleted rows' bytes are still in the file until `compacter` rewrites it). `verrou` pays
    the debt before any later operation on the warehouse."""
    marque = marque_compaction(entrepot)
    descripteur = os.open(marque, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    os.fsync(descripteur)
    os.close(descripteur)


def compacter(entrepot: Path) -> None:
    """Rewrite the warehouse into a new file and swap it in: deleted rows leave no block."""
    import duckdb

    neuf = entrepot.with_name(entrepot.name + ".compact")
    neuf.unlink(missing_ok=True)
    with duckdb.connect() as base:
        base.execute(f"attach {litteral(entrepot)} as ancien (read_only)")
        base.execute(f"attach {litteral(neuf)} as neuf")
        base.execute("copy from database ancien to neuf")
    os.replace(neuf, entrepot)
    marque_compaction(entrepot).unlink(missing_ok=True)


def effacer_copie_de_travail(dossier: Path) -> None:
    """Remove a refresh's working folder, and the files that older versions left beside it."""
    if dossier.is_dir() and not dossier.is_symlink():
        shutil.rmtree(dossier)
    else:
        dossier.unlink(missing_ok=True)
    dossier.with_name(dossier.name + ".wal").unlink(missing_ok=True)
    shutil.rmtree(dossier.with_name(dossier.name + ".tmp"), ignore_errors=True)


def main(argv=None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        return rafraichir(arguments)
    except VerrouPris as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return CODE_VERROU_PRIS


if __name__ == "__main__":
    raise SystemExit(main())
