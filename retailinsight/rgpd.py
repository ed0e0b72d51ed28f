"""GDPR operations on the warehouse: retention purge and erasure on request.

    python -m retailinsight.rgpd purger  [--mois 36] [--date-reference YYYY-MM-DD]
    python -m retailinsight.rgpd effacer --cle 157263 [--cle …]

Both remove the feedback concerned from every table of the warehouse that holds feedback,
found by its columns, so a new table cannot be forgotten: any table with `cle_retour_client`
or `date_achat`, and the raw-row tables (staging, quarantine) through the key and the purchase
date read from `contenu_brut`. The history (snapshots) and the quarantine are included. Then:
- the operation is recorded in `audit.journal_rgpd`: table, month and number of rows removed,
  never a key nor any content;
- the warehouse file is rewritten (`COPY FROM DATABASE` into a new file, swapped in), so the
  deleted rows do not linger in free blocks;
- the answers are recomputed from the purged marts (`dbt run` of `models/marts/answers`);
- the raw folder is scanned: rows still present in the exports would come back at the next
  refresh, so they are reported (the exports must be purged at the source too).
Everything runs under the warehouse lock; a purge that fails leaves the warehouse unchanged.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sqlite3
import sys
import uuid
from pathlib import Path

import duckdb

from retailinsight.rafraichir import (CODE_VERROU_PRIS, VerrouPris, chemin_entrepot,
                                      litteral, rafraichir, verrou)

DATE_BRUTE = ("try_cast(try_strptime(trim(split_part(contenu_brut, ';', 5)), '%Y-%m-%d') "
              "as date)")
CLE_BRUTE = "trim(split_part(contenu_brut, ';', 1))"
JOURNAL = """
    create table if not exists audit.journal_rgpd (
        id_operation varchar not null,
        operation varchar not null,
        execute_le timestamp not null,
        parametre varchar not null,
        nom_table varchar not null,
        mois date,
        nb_lignes bigint not null
    )
"""


def mois_retranches(date: dt.date, mois: int) -> dt.date:
    """`date` minus `mois` months (day clamped to the month's end)."""
    annee, numero = divmod(date.year * 12 + date.month - 1 - mois, 12)
    numero += 1
    jour = min(date.day, [31, 29 if annee % 4 == 0 and (annee % 100 or annee % 400 == 0)
                          else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][numero - 1])
    return dt.date(annee, numero, jour)


def tables_feedback(base) -> list[tuple[str, str, set[str]]]:
    """(schema, table, columns) of every table that can hold feedback rows."""
    colonnes = {}
    for schema, table, colonne in base.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and schema_name <> 'audit'").fetchall():
        colonnes.setdefault((schema, table), set()).add(colonne)
    retenues = []
    for (schema, table), cols in sorted(colonnes.items()):
        feedback = "cle_retour_client" in cols or "date_achat" in cols
        quarantaine = {"contenu_brut", "table_cible"} <= cols
        if feedback or quarantaine:
            retenues.append((schema, table, cols))
    return retenues


def _predicat(cols: set[str], sur_cle=None, sur_date=None) -> str:
    """SQL predicate selecting a table's feedback rows, by key (`sur_cle`) or by purchase date
    (`sur_date`): each takes the SQL expression of the key (text) or date and returns a test."""
    morceaux = []
    if sur_cle and "cle_retour_client" in cols:
        morceaux.append(sur_cle("cast(cle_retour_client as varchar)"))
    if sur_date and "date_achat" in cols:
        morceaux.append(sur_date("date_achat"))
    if "contenu_brut" in cols:
        filtre = "table_cible = 'retour_client' and " if "table_cible" in cols else ""
        morceaux.append(filtre + (sur_cle(CLE_BRUTE) if sur_cle else sur_date(DATE_BRUTE)))
    return " or ".join(f"({m})" for m in morceaux) or "false"


def _mois_ligne(cols: set[str]) -> str:
    if "date_achat" in cols:
        return "date_trunc('month', date_achat)"
    return f"date_trunc('month', {DATE_BRUTE})"


def _supprimer(entrepot: Path, operation: str, parametre: str, predicat_pour) -> dict:
    """Delete, in one transaction, the rows `predicat_pour(cols)` selects in every feedback
    table; journal the counts per table and month; rewrite the file. Return the counts."""
    resultat = {}
    identifiant = str(uuid.uuid4())
    maintenant = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with duckdb.connect(str(entrepot)) as base:
        base.execute("begin transaction")
        base.execute("create schema if not exists audit")
        base.execute(JOURNAL)
        for schema, table, cols in tables_feedback(base):
            predicat = predicat_pour(cols)
            nom = f'"{schema}"."{table}"'
            comptes = base.execute(
                f"select {_mois_ligne(cols)} as mois, count(*) from {nom} "
                f"where {predicat} group by all").fetchall()
            if not comptes:
                continue
            base.execute(f"delete from {nom} where {predicat}")
            for mois, nombre in comptes:
                base.execute("insert into audit.journal_rgpd values (?, ?, ?, ?, ?, ?, ?)",
                             [identifiant, operation, maintenant, parametre,
                              f"{schema}.{table}", mois, nombre])
                resultat[f"{schema}.{table}"] = resultat.get(f"{schema}.{table}", 0) + nombre
        base.execute("commit")
    compacter(entrepot)
    return resultat


def compacter(entrepot: Path) -> None:
    """Rewrite the warehouse into a new file and swap it in: deleted rows leave no block."""
    neuf = entrepot.with_name(entrepot.name + ".compact")
    neuf.unlink(missing_ok=True)
    with duckdb.connect() as base:
        base.execute(f"attach {litteral(entrepot)} as ancien (read_only)")
        base.execute(f"attach {litteral(neuf)} as neuf")
        base.execute("copy from database ancien to neuf")
    os.replace(neuf, entrepot)


def _traces_brutes(dossier: Path, garder_ligne) -> dict[str, int]:
    """Rows of the raw exports that `garder_ligne(cle, date)` flags, per file."""
    traces = {}
    if not (dossier / "retour_client.csv").is_file():
        return traces
    with open(dossier / "retour_client.csv", encoding="cp1252", newline="") as fichier:
        n = sum(1 for l in csv.reader(fichier, delimiter=";")
                if len(l) >= 5 and garder_ligne(l[0].strip(), l[4].strip()))
    if n:
        traces["retour_client.csv"] = n
    if (dossier / "Satisfaction.db").is_file():
        with sqlite3.connect(f"file:{dossier / 'Satisfaction.db'}?mode=ro", uri=True) as base:
            n = sum(1 for cle, date in base.execute(
                "select cle_retour_client, date_achat from retour_client")
                if garder_ligne(str(cle).strip(), str(date or "").strip()))
        if n:
            traces["Satisfaction.db:retour_client"] = n
    return traces


def _recalculer_reponses(entrepot: Path) -> int:
    os.environ["BESTMARKET_WAREHOUSE"] = str(entrepot)
    return rafraichir(["run", "--select", "path:models/marts/answers"], entrepot)


def purger(entrepot: Path, mois: int = 36, date_reference: dt.date | None = None,
           recalculer: bool = True) -> dict:
    """Remove feedback bought more than `mois` months before `date_reference` (default today)."""
    date_reference = date_reference or dt.date.today()
    limite = mois_retranches(date_reference, mois)
    with verrou(entrepot, "gdpr purge"):
        comptes = _supprimer(
            entrepot, "purge de rétention", f"rétention {mois} mois, achats avant {limite}",
            lambda cols: _predicat(cols, sur_date=lambda d: f"{d} < date '{limite}'"))
    if recalculer and _recalculer_reponses(entrepot) != 0:
        raise RuntimeError("answers could not be recomputed after the purge")
    return {"limite": limite, "supprimees": comptes}


def effacer(entrepot: Path, cles: list[int], recalculer: bool = True) -> dict:
    """Remove the feedbacks whose keys are `cles` from every table."""
    texte = ", ".join(f"'{int(c)}'" for c in cles)
    with verrou(entrepot, "gdpr erasure"):
        comptes = _supprimer(
            entrepot, "effacement sur demande", f"{len(cles)} clé(s)",
            lambda cols: _predicat(cols, sur_cle=lambda k: f"{k} in ({texte})"))
    if recalculer and _recalculer_reponses(entrepot) != 0:
        raise RuntimeError("answers could not be recomputed after the erasure")
    return {"supprimees": comptes}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commandes = parser.add_subparsers(dest="commande", required=True)
    p_purger = commandes.add_parser("purger", help="retention purge")
    p_purger.add_argument("--mois", type=int, default=int(os.environ.get(
        "BESTMARKET_RETENTION_MOIS", "36")), help="retention in months (default 36)")
    p_purger.add_argument("--date-reference", type=dt.date.fromisoformat, default=None,
                          help="date the retention counts back from (default: today)")
    p_effacer = commandes.add_parser("effacer", help="erase given feedback keys")
    p_effacer.add_argument("--cle", type=int, action="append", required=True)
    for sous in (p_purger, p_effacer):
        sous.add_argument("--entrepot", type=Path, default=chemin_entrepot())
    args = parser.parse_args(argv)
    dossier = Path(os.environ.get("BESTMARKET_RAW_DIR", "data/echantillon"))
    try:
        if args.commande == "purger":
            resultat = purger(args.entrepot, args.mois, args.date_reference)
            limite = resultat["limite"].isoformat()
            traces = _traces_brutes(dossier, lambda cle, date: date[:10] < limite)
            print(f"purged feedback bought before {limite}")
        else:
            resultat = effacer(args.entrepot, args.cle)
            cles = {str(c) for c in args.cle}
            traces = _traces_brutes(dossier, lambda cle, date: cle in cles)
            print(f"erased {len(args.cle)} key(s)")
    except VerrouPris as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return CODE_VERROU_PRIS
    for table, nombre in sorted(resultat["supprimees"].items()):
        print(f"  {table}: {nombre} rows removed")
    for fichier, nombre in traces.items():
        print(f"warning: {nombre} such rows are still in the raw export {dossier / fichier}: "
              "remove them at the source, or the next refresh loads them again",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
