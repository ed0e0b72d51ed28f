"""The warehouse file: open it for reading whatever it is called, count its rows, replace it
only by a verified file, compact it, and pay what an interrupted operation owed."""

from __future__ import annotations

import os
from pathlib import Path

from retailinsight.erreurs import OperationRefusee
from retailinsight.fichiers import NE_PAS_SUIVRE
from retailinsight.sql import identifiant, litteral

# The name every reader gives the warehouse: DuckDB would otherwise name the catalog after the
# file, which then may collide with a schema (a file `rapport.duckdb` and the schema `rapport`).
CATALOGUE = "bestmarket"


def connecter(entrepot: Path | str, lecture_seule: bool = True):
    """A DuckDB connection on `entrepot` attached as the catalog `bestmarket` and made the
    default one, so that `schema.table` names resolve whatever the file is called."""
    import duckdb

    base = duckdb.connect()
    try:
        options = " (read_only)" if lecture_seule else ""
        base.execute(f"attach {litteral(entrepot)} as {CATALOGUE}{options}")
        base.execute(f"use {CATALOGUE}")
    except BaseException:
        base.close()
        raise
    return base


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


def wal_de(base: Path) -> Path:
    """The write-ahead log DuckDB keeps beside the database file `base`."""
    return base.with_name(base.name + ".wal")


def comptes_lignes(base, catalogue: str) -> dict[str, int]:
    """{schema.table: row count} of every table of the attached database `catalogue`."""
    comptes = {}
    for schema, table in base.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ? "
            "order by all", [catalogue]).fetchall():
        nom = identifiant(catalogue, schema, table)
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
    if os.name == "nt" and Path(chemin).is_dir():
        return  # Windows opens no folder as a file; its renames are journaled by NTFS
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
    descripteur = os.open(marque, os.O_WRONLY | os.O_CREAT | NE_PAS_SUIVRE, 0o600)
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
