"""SQL text helpers: the one place a value is written into a statement."""

from __future__ import annotations


def litteral(texte) -> str:
    """`texte` (a path, a key) as a SQL string literal, quotes doubled: for the statements
    that take no parameter (ATTACH, EXPORT/IMPORT DATABASE, LOAD). Never paste a path bare."""
    return "'" + str(texte).replace("'", "''") + "'"


def identifiant(*parties: str) -> str:
    """A (possibly qualified) SQL identifier, each part double-quoted, quotes doubled."""
    return ".".join('"' + str(p).replace('"', '""') + '"' for p in parties)
