"""Refresh the warehouse safely: one build at a time, and never a half-written warehouse.

    python -m retailinsight.rafraichir [dbt arguments…]      (default: build)
    python -m retailinsight.rafraichir nuit [dbt options…]   (the nightly's build)
    bestmarket refresh [-- dbt arguments…]

`nuit` is the build the nightly runs (`arguments_dbt`): no unit tests (their result cannot
change between nights; `make test` and CI run them), and the fact's row-by-row data tests on
the rows the night wrote (var `tests_de_la_nuit`).

1. Takes the warehouse lock (`retailinsight.verrou`); if another operation holds it, stops at
   once with exit code 75 and a message naming the holder, without touching anything.
2. Copies the current warehouse (incremental state included) into the private folder
   `<warehouse>.en-cours/` and runs dbt against that copy. The profile still names the
   warehouse: the plugin opens the copy (BESTMARKET_WAREHOUSE_EN_COURS), so the refresh and
   direct dbt commands share dbt's parse state.
3. Only when dbt succeeds, and the copy is whole on disk (`entrepot.remplacer_verifie`:
   checkpointed, no pending write-ahead log, at least one table, every row count readable,
   synced), atomically replaces the warehouse with it (`os.replace`): a build that fails, is
   killed midway or meets a full disk leaves the previous good warehouse as it was, and exits
   non-zero naming the cause.
Whoever takes the lock first pays what an interrupted operation owed (`regler_dettes`).
On Spark (`--target spark`) the lock is `<BESTMARKET_SPARK_WAREHOUSE>.lock` and dbt writes the
tables in place, one by one: a Spark warehouse is a folder of Parquet tables and a metastore,
with no single file to copy and swap; a failed Spark build is repaired by the next one.
The lock is held for as long as any dbt process of the refresh runs: on POSIX dbt inherits the
locked file (the lock belongs to the open file, shared by both processes), and on Linux dbt is
killed when the refresh process dies (parent-death signal), so a second refresh cannot start
beside an orphaned build.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

import yaml

from retailinsight import reglages
# Shared helpers that used to live here, importable from here still.
from retailinsight.entrepot import (comptes_lignes, compacter, effacer_base,  # noqa: F401
                                    marque_compaction, marquer_compaction_due, regler_dettes,
                                    remplacer_verifie, synchroniser, wal_de)
from retailinsight.erreurs import CODE_VERROU_PRIS, OperationRefusee, VerrouPris  # noqa: F401
from retailinsight.reglages import RACINE, chemin_entrepot, chemin_registre  # noqa: F401
from retailinsight.sql import litteral  # noqa: F401
from retailinsight.verrou import verrou

# The nightly's build, `nuit` on the command line: dbt's documentation recommends leaving unit
# tests out of production runs, and the fact's data tests that check one row at a time look
# only at the rows the night wrote (models/marts/_marts__models.yml says which and why).
ARGUMENTS_NUIT = ["build", "--exclude-resource-type", "unit_test"]
VARS_NUIT = {"tests_de_la_nuit": True}


def arguments_dbt(arguments: list[str]) -> list[str]:
    """dbt's arguments for the refresh's: `nuit [options…]` becomes the nightly's build with
    those options, its vars merged into the options' `--vars` (theirs win); anything else is
    dbt's already (none: `build`)."""
    if not arguments or arguments[0] != "nuit":
        return list(arguments or ["build"])
    variables, options, reste = dict(VARS_NUIT), [], list(arguments[1:])
    while reste:
        argument = reste.pop(0)
        if argument == "--vars" and reste:
            variables.update(yaml.safe_load(reste.pop(0)) or {})
        elif argument.startswith("--vars="):
            variables.update(yaml.safe_load(argument.split("=", 1)[1]) or {})
        else:
            options.append(argument)
    return [*ARGUMENTS_NUIT, *options, "--vars", json.dumps(variables)]


def mourir_avec_le_parent(parent: int):
    """preexec_fn for a child that must not outlive this process: on Linux, asks the kernel to
    SIGKILL it when its parent dies (PR_SET_PDEATHSIG), and exits at once if the parent
    already died; elsewhere only the second check is made."""
    def preparer():
        if sys.platform.startswith("linux"):
            import ctypes  # libc's prctl: Linux only, so imported only there

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
    return reglages.ENTREPOT_SPARK.chemin()


def executable_dbt() -> str:
    """The dbt executable to run: the virtualenv's `dbt`, beside this interpreter."""
    return str(Path(sys.executable).with_name("dbt"))


def lancer_dbt(arguments: list[str], env: dict, fichier_verrou,
               ligne: Callable[[str], None] | None = None) -> int:
    """dbt in a child that holds the lock with this process and dies with it. With `ligne`,
    dbt's output is read line by line and handed to it (a progress display) instead of going
    straight to the terminal."""
    dbt = executable_dbt()
    commande = [dbt, *arguments_dbt(arguments)]
    options = {}
    heritage = None
    if os.name == "posix":
        # A duplicate of the lock's descriptor (the same open file, so the same lock): filelock
        # closes its own descriptors in a forked child.
        heritage = os.dup(fichier_verrou.fileno())
        options = {"pass_fds": (heritage,), "preexec_fn": mourir_avec_le_parent(os.getpid())}
    try:
        if ligne is None:
            return subprocess.run(commande, env=env, **options).returncode
        with subprocess.Popen(commande, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                              errors="replace", bufsize=1, **options) as processus:
            for texte in processus.stdout:
                ligne(texte.rstrip("\n"))
            return processus.wait()
    finally:
        if heritage is not None:
            os.close(heritage)


def rafraichir_spark(arguments: list[str], ligne=None) -> int:
    """The Spark target: dbt writes its tables in place, under the Spark warehouse's lock."""
    entrepot = chemin_entrepot_spark()
    with verrou(entrepot, "refresh (spark)") as fichier_verrou:
        code = lancer_dbt(arguments, environnement_dbt(), fichier_verrou, ligne)
        if code != 0:
            print(f"dbt failed (exit {code}) on Spark: the tables it had not replaced in "
                  f"{entrepot} are left as they were", file=sys.stderr)
        return code


def rafraichir(arguments: list[str], entrepot: Path | None = None,
               ligne: Callable[[str], None] | None = None) -> int:
    """Run dbt on a copy of the warehouse and swap it in on success; return dbt's exit code.
    `ligne`: see `lancer_dbt`."""
    if cible_dbt(arguments) == "spark":
        return rafraichir_spark(arguments, ligne)
    variables = {}
    if entrepot is not None and os.environ.get(reglages.ENTREPOT.variable) != str(entrepot):
        variables[reglages.ENTREPOT.variable] = str(entrepot)
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
            code = lancer_dbt(arguments, environnement_dbt(**variables), fichier_verrou, ligne)
            if code != 0:
                print(f"dbt failed (exit {code}): {entrepot} left unchanged", file=sys.stderr)
                return code
            remplacer_verifie(copie, entrepot)
        except OperationRefusee as erreur:
            raise OperationRefusee(f"{erreur}: {entrepot} left unchanged") from None
        finally:
            effacer_copie_de_travail(dossier)
        return 0


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
