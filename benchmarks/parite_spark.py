"""Issue 12 groundwork: compare a DuckDB build with a Spark build of the same raw folder.

Reads every table of the DuckDB warehouse (staging, intermediate, marts, answers, rapport,
reference) and the Parquet files that the Spark target wrote for it under its warehouse folder
(`<BESTMARKET_SPARK_WAREHOUSE>/<schema>.db/<table>/`), with DuckDB itself, and prints per table
the row counts on both sides and SAME or DIFF (rows compared as sorted multisets, floats rounded
to 9 decimals). Not yet a test: the parity test of issue 12 is to be built on it.

    python benchmarks/parite_spark.py <warehouse.duckdb> <spark warehouse folder> [--details]
"""

from __future__ import annotations

import os
import sys

import duckdb

SCHEMAS = ("staging", "intermediate", "marts", "answers", "rapport", "reference")


def normaliser(lignes):
    sortie = [tuple(round(v, 9) if isinstance(v, float) else (None if v is None else str(v))
                    for v in ligne) for ligne in lignes]
    return sorted(sortie, key=lambda t: tuple((x is None, str(x)) for x in t))


def comparer(entrepot: str, dossier_spark: str, details: bool = False) -> int:
    con = duckdb.connect(entrepot, read_only=True)
    ecarts = 0
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema in {SCHEMAS} order by 1, 2").fetchall()
    for schema, nom in tables:
        dossier = os.path.join(dossier_spark, f"{schema}.db", nom)
        if not os.path.isdir(dossier):
            print(f"{schema}.{nom}: missing on Spark")
            ecarts += 1
            continue
        colonnes = ", ".join(c for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? "
            "and table_name = ? order by ordinal_position", [schema, nom]).fetchall())
        cote_duckdb = normaliser(con.execute(
            f'select {colonnes} from "{schema}"."{nom}"').fetchall())
        cote_spark = normaliser(con.execute(
            f"select {colonnes} from read_parquet('{dossier}/*.parquet')").fetchall())
        pareil = cote_duckdb == cote_spark
        ecarts += not pareil
        print(f"{schema}.{nom}: duckdb={len(cote_duckdb)} spark={len(cote_spark)} "
              f"{'SAME' if pareil else 'DIFF'}")
        if not pareil and details:
            print("  only duckdb:", [r for r in cote_duckdb if r not in cote_spark][:3])
            print("  only spark:", [r for r in cote_spark if r not in cote_duckdb][:3])
    return ecarts


if __name__ == "__main__":
    sys.exit(1 if comparer(sys.argv[1], sys.argv[2], "--details" in sys.argv) else 0)
