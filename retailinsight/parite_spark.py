"""Parity of the two engines: a DuckDB warehouse against the Spark build of the same
raw folder.

Reads every table of the DuckDB warehouse in the schemas both targets build (staging,
intermediate, marts, answers, rapport, reference; not DuckDB's snapshots) and the Parquet files
the Spark target wrote for it (`<BESTMARKET_SPARK_WAREHOUSE>/<schema>.db/<table>/`), both with
DuckDB, and compares them row by row: same columns, same number of rows, and the same rows once
sorted, numbers equal within 1e-9, text and dates exactly. Three columns are left out, being
different by design: `empreinte_contenu`, each engine's own change-detection hash (DuckDB's
`hash`, Spark's `xxhash64`), which never leaves the fact's refresh logic, the quarantine's
`date_chargement`, the time at which each build set the line aside, and the provenance's
`construit_le`, the time at which each build ran.

    python -m retailinsight.parite_spark <warehouse.duckdb> <spark warehouse folder>

prints one line per table and exits 1 when any table differs.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import sys
from pathlib import Path

import duckdb

SCHEMAS = ("staging", "intermediate", "marts", "answers", "rapport", "analyse_nps", "alertes",
           "reference")
# Columns that hold each build's own time: load times (the fact's lot_chargement included), the
# alerts' export ages (int_alertes_fraicheur_exports), the provenance's build time.
EXCLUES = ("empreinte_contenu", "date_chargement", "lot_chargement", "maintenant",
           "derniere_modification", "construit_le")
TOLERANCE = 1e-9


def _nombre(valeur) -> bool:
    return isinstance(valeur, (int, float, decimal.Decimal)) and not isinstance(valeur, bool)


def _cle(ligne: tuple) -> tuple:
    """Sort key of a row: its values in order, numbers rounded (so that two engines' last
    digits do not reorder rows), nulls last."""
    return tuple((v is None, round(float(v), 6) if _nombre(v) else str(v)) for v in ligne)


def valeurs_egales(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if _nombre(a) and _nombre(b):
        a, b = float(a), float(b)
        return a == b or (math.isfinite(a) and math.isfinite(b) and abs(a - b) <= TOLERANCE)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    return a == b


def comparer_lignes(duckdb_lignes: list[tuple], spark_lignes: list[tuple]) -> str | None:
    """None when both sides hold the same rows; otherwise what differs, first row shown."""
    if len(duckdb_lignes) != len(spark_lignes):
        return f"{len(duckdb_lignes)} rows on DuckDB, {len(spark_lignes)} on Spark"
    for a, b in zip(sorted(duckdb_lignes, key=_cle), sorted(spark_lignes, key=_cle)):
        if len(a) != len(b) or not all(valeurs_egales(x, y) for x, y in zip(a, b)):
            return f"first differing row: DuckDB {a} / Spark {b}"
    return None


def tables_duckdb(con) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name in "
        f"{SCHEMAS} order by 1, 2").fetchall()


def comparer(entrepot: Path, dossier_spark: Path, schemas=SCHEMAS) -> dict[str, str | None]:
    """{schema.table: None if equal, else what differs} for every DuckDB table in `schemas`."""
    ecarts = {}
    with duckdb.connect(str(entrepot), read_only=True) as con:
        for schema, nom in tables_duckdb(con):
            if schema not in schemas:
                continue
            table = f"{schema}.{nom}"
            dossier = Path(dossier_spark) / f"{schema}.db" / nom
            fichiers = sorted(str(f) for f in dossier.glob("*.parquet")) if dossier.is_dir() \
                else []
            colonnes = [c for (c,) in con.execute(
                "select column_name from duckdb_columns() where database_name = "
                "current_database() and schema_name = ? and table_name = ? "
                "order by column_index", [schema, nom]).fetchall() if c not in EXCLUES]
            liste = ", ".join(f'"{c}"' for c in colonnes)
            if not dossier.is_dir():
                ecarts[table] = "missing on Spark"
                continue
            cote_duckdb = con.execute(f'select {liste} from "{schema}"."{nom}"').fetchall()
            if not fichiers:  # an empty table: Spark may write no data file
                cote_spark = []
            else:
                colonnes_spark = [d[0] for d in con.execute(
                    "select * from read_parquet(?) limit 0", [fichiers]).description]
                manquantes = [c for c in colonnes if c not in colonnes_spark]
                if manquantes:
                    ecarts[table] = f"columns missing on Spark: {manquantes}"
                    continue
                cote_spark = con.execute(f"select {liste} from read_parquet(?)",
                                         [fichiers]).fetchall()
            ecarts[table] = comparer_lignes(cote_duckdb, cote_spark)
    return ecarts


def main(argv=None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ecarts = comparer(Path(arguments[0]), Path(arguments[1]))
    for table, ecart in ecarts.items():
        print(f"{table}: {'SAME' if ecart is None else 'DIFF: ' + ecart}")
    return 1 if any(ecarts.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
