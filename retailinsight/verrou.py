"""The warehouse lock: one operation at a time on a warehouse (refresh, backup, restore,
publication, GDPR erasure or purge), refused at once, never waited for.

The lock is `<warehouse>.lock`, taken through `filelock` (flock on POSIX, a byte-range lock on
Windows), so it is released when the process ends, however it ends. The lock file is never
followed: a symbolic link, a hard link or a special file in its place is refused, never
truncated. Its content names the holder (`refresh, pid 1234`) for whoever is refused.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from retailinsight.entrepot import regler_dettes
from retailinsight.erreurs import OperationRefusee, VerrouPris
from retailinsight.fichiers import NE_PAS_SUIVRE


@dataclass(frozen=True)
class VerrouTenu:
    """The held lock: its open descriptor (a child given it holds the lock with us)."""
    chemin: Path
    descripteur: int

    def fileno(self) -> int:
        return self.descripteur


def chemin_verrou(entrepot: Path) -> Path:
    return entrepot.with_name(entrepot.name + ".lock")


def _refuser_si_pas_fichier_propre(chemin: Path, etat: os.stat_result) -> None:
    if stat.S_ISLNK(etat.st_mode):
        raise OperationRefusee(f"the lock file {chemin} is a symbolic link: refused "
                               "(remove it); nothing was changed")
    if not stat.S_ISREG(etat.st_mode) or etat.st_nlink != 1:
        raise OperationRefusee(f"the lock file {chemin} is not a plain file of its own "
                               "(a hard link or a special file): refused; nothing was changed")


def detenteur(chemin: Path) -> str:
    """What the lock file says of its holder ('unknown process' if it cannot be read)."""
    try:
        descripteur = os.open(chemin, os.O_RDONLY | NE_PAS_SUIVRE)
    except OSError:
        return "unknown process"
    try:
        return os.read(descripteur, 200).decode("utf-8", "replace").strip() or "unknown process"
    except OSError:
        return "unknown process"
    finally:
        os.close(descripteur)


@contextmanager
def verrou(entrepot: Path, operation: str = "refresh"):
    """Exclusive, non-blocking lock on the warehouse, released when the process ends; raise
    `VerrouPris` naming the holder if another operation holds it, `OperationRefusee` if the
    lock path is a link or a special file. Once held, what an interrupted operation owed is
    paid (`regler_dettes`) before the caller's own operation starts. Yields a `VerrouTenu`."""
    entrepot.parent.mkdir(parents=True, exist_ok=True)
    chemin = chemin_verrou(entrepot)
    try:
        _refuser_si_pas_fichier_propre(chemin, os.lstat(chemin))
    except FileNotFoundError:
        pass
    descripteurs: list[int] = []
    verrou_fichier = FileLock(chemin, mode=0o600, blocking=False, thread_local=False,
                              on_acquired=descripteurs.append)
    try:
        verrou_fichier.acquire()
    except Timeout:
        raise VerrouPris(f"warehouse {entrepot} is locked by another operation "
                         f"({detenteur(chemin)}); nothing was changed: try again when it "
                         "has finished") from None
    except OSError as erreur:
        if chemin.is_symlink():  # replaced by a link after the check above
            raise OperationRefusee(f"the lock file {chemin} is a symbolic link: refused "
                                   "(remove it); nothing was changed") from None
        raise
    propre = False
    try:
        descripteur = descripteurs[-1]
        # Checked again on the open file: a link put in place between the check and the open.
        _refuser_si_pas_fichier_propre(chemin, os.fstat(descripteur))
        propre = True
        os.ftruncate(descripteur, 0)
        os.lseek(descripteur, 0, os.SEEK_SET)
        os.write(descripteur, f"{operation}, pid {os.getpid()}\n".encode())
        regler_dettes(entrepot)
        yield VerrouTenu(chemin, descripteur)
    finally:
        try:
            if propre:
                os.ftruncate(descripteurs[-1], 0)
        except OSError:
            pass
        verrou_fichier.release()
