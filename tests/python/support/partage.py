"""What the run's pytest-xdist workers build once and share, and the operations on a shared
warehouse that take their turn."""

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


def dossier_du_run(tmp_path_factory) -> Path:
    """The temporary folder of the whole run: the controller's, shared by every worker."""
    racine = tmp_path_factory.getbasetemp()
    return racine.parent if os.environ.get("PYTEST_XDIST_WORKER") else racine


def une_fois(tmp_path_factory, nom: str, construire) -> Path:
    """Folder `nom` shared by every pytest-xdist worker of the run, filled once by
    `construire(folder)` under a file lock: the warehouses that tests only read are built once
    per run, not once per worker. The tests that change one work on a copy."""
    racine = dossier_du_run(tmp_path_factory)
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
