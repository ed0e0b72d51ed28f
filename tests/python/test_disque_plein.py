"""A full disk, an interrupted erasure and a lock path that is a link never cost a row: a
refresh or a compaction that cannot write its new file in full exits non-zero (raises) and
leaves the warehouse as it was; a compaction owed by an erasure killed before it is paid by
the next operation that takes the lock; the lock file is never followed."""

import hashlib
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from support.analyse_dbt import amorcer_analyse
from support.commandes import environnement_relatif
from support.lecture import tables
from retailinsight.rafraichir import compacter, marque_compaction, marquer_compaction_due, verrou

TEMOIN = "temoin-efface-6c1e0f4a9b"  # a value no generated export holds


@contextmanager
def disque_presque_plein(dossier: Path, entrepot: Path | None, libre: int):
    """A tmpfs at `dossier` holding a copy of `entrepot` (if any) and a filler that leaves
    `libre` bytes free; unmounted at the end."""
    dossier.mkdir()
    taille = (entrepot.stat().st_size if entrepot else 0) + libre + (4 << 20)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={taille},mode=0700", "tmpfs",
                    str(dossier)], check=True)
    try:
        if entrepot:
            shutil.copy(entrepot, dossier / entrepot.name)
        etat = os.statvfs(dossier)
        with open(dossier / "remplissage", "wb") as remplissage:
            remplissage.write(b"\0" * (etat.f_bavail * etat.f_frsize - libre))
        yield dossier
    finally:
        subprocess.run(["umount", str(dossier)], check=True)


def rafraichir_vers(dossier_brut: Path, entrepot: Path, cible: Path, *arguments):
    """The refresh run as `support.commandes.rafraichir` runs it (from the warehouse's folder,
    by its bare name), dbt's target and logs in `cible`: off the small disk."""
    amorcer_analyse(cible, entrepot.name)
    env = dict(environnement_relatif(dossier_brut, entrepot), DBT_TARGET_PATH=str(cible),
               DBT_LOG_PATH=str(cible / "logs"))
    return subprocess.run([sys.executable, "-m", "retailinsight.rafraichir", *arguments,
                           "--target-path", str(cible)], cwd=entrepot.parent, env=env,
                          capture_output=True, text=True)


def empreinte(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


def test_premier_rafraichissement_sur_disque_plein(dossier_genere, tmp_path):
    """1 MB free: dbt's seeds fit in the working copy's write-ahead log, not its checkpoint
    (which DuckDB's close lets fail silently): no empty warehouse swapped in, no success."""
    with disque_presque_plein(tmp_path / "disque", None, 1 << 20) as disque:
        entrepot = disque / "w.duckdb"
        resultat = rafraichir_vers(dossier_genere, entrepot, tmp_path / "cible", "seed")
        assert resultat.returncode != 0, resultat.stdout[-2000:]
        assert "No space left on device" in resultat.stderr
        assert "w.duckdb left unchanged" in resultat.stderr
        assert not entrepot.exists()
        assert sorted(p.name for p in disque.iterdir()) == ["remplissage", "w.duckdb.lock"]


def test_rafraichissement_suivant_sur_disque_plein(dossier_genere, entrepot_genere, tmp_path):
    """The same on a later build (room for the working copy, 1 MB beyond it): the warehouse
    is kept byte for byte, and the refresh says it failed instead of reporting success."""
    with disque_presque_plein(tmp_path / "disque", entrepot_genere, entrepot_genere.stat()
                              .st_size + (1 << 20)) as disque:
        entrepot = disque / "w.duckdb"
        avant = empreinte(entrepot)
        resultat = rafraichir_vers(dossier_genere, entrepot, tmp_path / "cible", "seed")
        assert resultat.returncode != 0, resultat.stdout[-2000:]
        assert "No space left on device" in resultat.stderr
        assert empreinte(entrepot) == avant
        assert sorted(p.name for p in disque.iterdir()) == \
            ["remplissage", "w.duckdb", "w.duckdb.lock"]


def test_compaction_sur_disque_plein(copie_entrepot, tmp_path):
    """6 MB free, less than the compacted file: the compaction raises, the warehouse keeps all
    its tables (byte for byte), no partial file or orphan write-ahead log is left, and the
    compaction is still owed."""
    nb_tables = len(tables(copie_entrepot))
    with disque_presque_plein(tmp_path / "disque", copie_entrepot, 6 << 20) as disque:
        entrepot = disque / copie_entrepot.name
        marquer_compaction_due(entrepot)
        avant = empreinte(entrepot)
        with pytest.raises(RuntimeError, match="No space left on device"):
            compacter(entrepot)
        assert empreinte(entrepot) == avant
        assert len(tables(entrepot)) == nb_tables > 40
        assert sorted(p.name for p in disque.iterdir()) == \
            ["remplissage", "w.duckdb", "w.duckdb.compaction-due"]


def test_compaction_privee(copie_entrepot):
    """The compacted file is owner-only, whatever the umask (it holds feedback rows)."""
    os.chmod(copie_entrepot, 0o600)
    masque = os.umask(0o022)
    try:
        compacter(copie_entrepot)
    finally:
        os.umask(masque)
    assert copie_entrepot.stat().st_mode & 0o777 == 0o600
    assert not list(copie_entrepot.parent.glob("*.compact*"))


def test_compaction_due_payee_par_le_rafraichissement_suivant(dossier_genere, copie_entrepot,
                                                              tmp_path):
    """An erasure killed between its commit and its compaction (here: never compacted) leaves
    the rows' bytes in the file; the next operation that takes the lock (a refresh here)
    compacts first: the bytes are gone, the marker too."""
    entrepot = copie_entrepot
    with duckdb.connect(str(entrepot)) as base:
        base.execute("update marts.fct_retour_client set libelle_source = ? where "
                     "cle_retour_client = (select min(cle_retour_client) "
                     "from marts.fct_retour_client)", [TEMOIN])
    marquer_compaction_due(entrepot)
    with duckdb.connect(str(entrepot)) as base:
        base.execute("delete from marts.fct_retour_client where libelle_source = ?", [TEMOIN])
    assert TEMOIN.encode() in entrepot.read_bytes(), "the deleted row's bytes are still there"
    resultat = rafraichir_vers(dossier_genere, entrepot, tmp_path / "cible", "seed")
    assert resultat.returncode == 0, resultat.stdout[-2000:] + resultat.stderr[-2000:]
    assert TEMOIN.encode() not in entrepot.read_bytes()
    assert not marque_compaction(entrepot).exists()
    # Nothing but the deleted row went: every other table is whole.
    assert len(tables(entrepot)) > 40


def test_verrou_ne_suit_pas_un_lien(tmp_path):
    """A `.lock` that is a symbolic or hard link to another file is refused, never
    truncated."""
    cible = tmp_path / "precieux.txt"
    cible.write_text("ne pas tronquer\n")
    entrepot = tmp_path / "w.duckdb"
    verrou_lien = entrepot.with_name(entrepot.name + ".lock")
    verrou_lien.symlink_to(cible)
    with pytest.raises(RuntimeError, match="symbolic link"):
        with verrou(entrepot):
            pass
    assert cible.read_text() == "ne pas tronquer\n"
    verrou_lien.unlink()
    os.link(cible, verrou_lien)
    with pytest.raises(RuntimeError, match="hard link"):
        with verrou(entrepot):
            pass
    assert cible.read_text() == "ne pas tronquer\n"
