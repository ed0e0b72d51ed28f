"""Raw exports and warehouses read independently of dbt: the CSV and SQLite exports as
Python reads them, a warehouse with a plain DuckDB client (no extension loaded)."""

import csv
import sqlite3
from pathlib import Path

import duckdb

from retailinsight.sql import litteral


def lire_csv(chemin: Path) -> list[list[str]]:
    """Rows of a raw CSV export, read independently of dbt (Windows-1252, `;`, CRLF)."""
    with open(chemin, encoding="cp1252", newline="") as fichier:
        return list(csv.reader(fichier, delimiter=";"))


def lire_sqlite(chemin: Path, table: str) -> list[tuple]:
    with sqlite3.connect(chemin) as base:
        return base.execute(f"select * from {table}").fetchall()


def requete(entrepot: Path, sql: str) -> list[tuple]:
    """Query the warehouse with a plain DuckDB client (no extension loaded)."""
    with duckdb.connect(str(entrepot), read_only=True) as base:
        return base.execute(sql).fetchall()


def tables(entrepot: Path) -> list[str]:
    with duckdb.connect(str(entrepot), read_only=True) as base:
        return [f"{s}.{t}" for s, t in base.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() order by 1, 2").fetchall()]


def contenu_table(entrepot: Path, table: str, exclure=()) -> list[tuple]:
    """Sorted rows of a table (minus some columns), to compare two warehouses."""
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
