"""Refresh the warehouse safely: one build at a time, and never a half-written warehouse.

    python -m retailinsight.rafraichir [dbt arguments…]      (default: build)

1. Takes an exclusive lock on `<warehouse>.lock`; if another refresh holds it, stops at once
   with exit code 75 and a message naming the holder, without touching anything.
2. Copies the current warehouse (incremental state included) into the private folder
   `<warehouse>.en-cours/` and runs dbt against that copy. The profile still names the
   warehouse: the plugin opens the copy (BESTMARKET_WAREHOUSE_EN_COURS), so the refresh and
   direct dbt commands share dbt's parse state.
3. Only when dbt succeeds, and the copy is whole on disk (`remplacer_verifie`: checkpointed,
   no pending write-ahead log, at least one table, every row count readable, synced),
   atomically replaces the warehouse with it (`os.replace`): a build that fails, is killed
   midway or meets a full disk leaves the previous good warehouse as it was, and exits
   non-zero naming the cause.
Whoever takes the lock first pays what an interrupted operation owed (`regler_dettes`): a
compaction recorded by `marquer_compaction_due` (a GDPR deletion's rows are still in the
file's bytes until it runs), a write-ahead log left beside the warehouse.
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
import errno
import fcntl
import os
import shutil
import stat
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

CODE_VERROU_PRIS = 75  # EX_TEMPFAIL: try again later
RACINE = Path(__file__).resolve().parents[1]


class VerrouPris(RuntimeError):
    """Another refresh (or backup, or publication) holds the warehouse lock."""


class OperationRefusee(RuntimeError):
    """An operation on the warehouse stopped before changing it: a new file that could not be
    written in full or verified (a full disk), a lock path that is not a plain file."""


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
    """Exclusive, non-blocking lock on the warehouse, released when the process ends. The lock
    file is never followed: a symbolic link (or a hard link, a non-regular file) in its place
    is refused, never truncated. Once held, what an interrupted operation owed is paid
    (`regler_dettes`) before the caller's own operation starts."""
    entrepot.parent.mkdir(parents=True, exist_ok=True)
    chemin = entrepot.with_name(entrepot.name + ".lock")
    try:
        descripteur = os.open(chemin, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                              0o600)
    except OSError as erreur:
        if erreur.errno == errno.ELOOP:
            raise OperationRefusee(f"the lock file {chemin} is a symbolic link: refused "
                                   "(remove it); nothing was changed") from None
        raise
    etat = os.fstat(descripteur)
    if not stat.S_ISREG(etat.st_mode) or etat.st_nlink != 1:
        os.close(descripteur)
        raise OperationRefusee(f"the lock file {chemin} is not a plain file of its own "
                               "(a hard link or a special file): refused; nothing was changed")
    fichier = os.fdopen(descripteur, "r+")
    try:
        fcntl.flock(fichier, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        detenteur = fichier.read().strip() or "unknown process"
        fichier.close()
        raise VerrouPris(f"warehouse {entrepot} is locked by another operation ({detenteur}); "
                         "nothing was changed: try again when it has finished") from None
    try:
        fichier.truncate()
        fichier.write(f"{operation}, pid {os.getpid()}\n")
        fichier.flush()
        regler_dettes(entrepot)
        yield fichier
    finally:
        fichier.seek(0)
        fichier.truncate()
        fcntl.flock(fichier, fcntl.LOCK_UN)
        fichier.close()


def regler_dettes(entrepot: Path) -> None:
    """Finish what an interrupted operation left owed on `entrepot` (the lock held): the
    compaction a GDPR deletion recorded before it committed, and a write-ahead log that a
    process killed (or a full disk) left beside the warehouse, merged into it, so that every
    operation starts from one self-contained file (the refresh copies the file alone).
    Raise `OperationRefusee` if that cannot be done: the warehouse is left as it was."""
    marque = marque_compaction(entrepot)
    if not entrepot.is_file():
        marque.unlink(missing_ok=True)  # nothing left to compact
        return
    if marque.exists():
        compacter(entrepot)
    elif wal_de(entrepot).exists():
        import duckdb

        try:
            with duckdb.connect(str(entrepot)) as base:
                base.execute("checkpoint")
        except duckdb.Error as erreur:
            raise OperationRefusee(f"the pending write-ahead log of {entrepot} could not be "
                                   f"merged into it ({erreur}); it is left as it was") from None


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
        try:
            dossier.mkdir(mode=0o700)
            if entrepot.exists():
                try:
                    shutil.copy2(entrepot, copie)
                except OSError as erreur:  # a full disk
                    raise OperationRefusee(f"the working copy {copie} could not be written "
                                           f"({erreur})") from None
            code = lancer_dbt(arguments, environnement_dbt(**variables), fichier_verrou)
            if code != 0:
                print(f"dbt failed (exit {code}): {entrepot} left unchanged", file=sys.stderr)
                return code
            remplacer_verifie(copie, entrepot)
        except OperationRefusee as erreur:
            raise OperationRefusee(f"{erreur}: {entrepot} left unchanged") from None
        finally:
            effacer_copie_de_travail(dossier)
        return 0


def wal_de(base: Path) -> Path:
    """The write-ahead log DuckDB keeps beside the database file `base`."""
    return base.with_name(base.name + ".wal")


def comptes_lignes(base, catalogue: str) -> dict[str, int]:
    """{schema.table: row count} of every table of the attached database `catalogue`."""
    comptes = {}
    for schema, table in base.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ? "
            "order by all", [catalogue]).fetchall():
        nom = ".".join('"' + x.replace('"', '""') + '"' for x in (catalogue, schema, table))
        comptes[f"{schema}.{table}"] = base.execute(f"select count(*) from {nom}").fetchone()[0]
    return comptes


def remplacer_verifie(copie: Path, entrepot: Path, attendus: dict[str, int] | None = None):
    """Replace `entrepot` by the new file `copie` only once `copie` is whole on disk, else
    raise `OperationRefusee` naming the cause and leave `entrepot` as it was. DuckDB writes a
    database's last changes to its file at the checkpoint of its close, and a checkpoint that
    fails there (a full disk) fails silently, the data left in `<copie>.wal`: so `copie` is
    opened again and checkpointed (an error here is not silent), and refused if a write-ahead
    log remains, if it holds no table, if a row count cannot be read or (`attendus`) differs
    from the source's. Then it is made owner-only, synced, swapped in, and the folder synced."""
    import duckdb

    try:
        with duckdb.connect(str(copie)) as base:
            base.execute("checkpoint")
            catalogue = base.execute("select current_database()").fetchone()[0]
            comptes = comptes_lignes(base, catalogue)
    except duckdb.Error as erreur:
        raise OperationRefusee(f"{copie} could not be written in full or read back ({erreur})"
                               ) from None
    if wal_de(copie).exists():
        raise OperationRefusee(f"{copie} still has a pending write-ahead log after its "
                               "checkpoint")
    if not comptes:
        raise OperationRefusee(f"{copie} holds no table")
    if attendus is not None and comptes != attendus:
        ecarts = sorted(set(comptes.items()) ^ set(attendus.items()))
        raise OperationRefusee(f"{copie} does not hold the rows of {entrepot}: "
                               f"{', '.join(sorted({t for t, _ in ecarts}))} differ")
    if wal_de(entrepot).exists():
        raise OperationRefusee(f"{entrepot} has a pending write-ahead log that would be "
                               "replayed onto the new file")
    try:
        os.chmod(copie, 0o600)  # the warehouse holds feedback rows: owner only
        synchroniser(copie)
    except OSError as erreur:
        raise OperationRefusee(f"{copie} could not be synced to disk ({erreur})") from None
    os.replace(copie, entrepot)
    synchroniser(entrepot.parent)


def synchroniser(chemin: Path) -> None:
    """fsync a file or a folder (a folder: so that a rename in it survives a power cut)."""
    descripteur = os.open(chemin, os.O_RDONLY)
    try:
        os.fsync(descripteur)
    finally:
        os.close(descripteur)


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
    """Rewrite the warehouse into a new file and swap it in: deleted rows leave no block. The
    new file is owner-only from its creation, and replaces the warehouse only once verified
    (`remplacer_verifie`: every table, with the same row counts); on any failure it is
    removed with its write-ahead log, the warehouse is left as it was, and the error raised.
    The owed-compaction marker is removed only on success."""
    import duckdb

    neuf = entrepot.with_name(entrepot.name + ".compact")
    effacer_base(neuf)
    masque = os.umask(0o077)
    try:
        try:
            with duckdb.connect() as base:
                # Read-write: a write-ahead log left beside the warehouse is merged first.
                base.execute(f"attach {litteral(entrepot)} as ancien")
                base.execute("checkpoint ancien")
                attendus = comptes_lignes(base, "ancien")
                base.execute(f"attach {litteral(neuf)} as neuf")
                base.execute("copy from database ancien to neuf")
                base.execute("checkpoint neuf")
        except duckdb.Error as erreur:
            raise OperationRefusee(f"the compaction of {entrepot} failed ({erreur}); "
                                   "the warehouse is left as it was") from None
        remplacer_verifie(neuf, entrepot, attendus)
    except BaseException:
        effacer_base(neuf)
        raise
    finally:
        os.umask(masque)
    marque_compaction(entrepot).unlink(missing_ok=True)


def effacer_base(chemin: Path) -> None:
    """Remove a DuckDB file and its write-ahead log."""
    chemin.unlink(missing_ok=True)
    wal_de(chemin).unlink(missing_ok=True)


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
    except OperationRefusee as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
