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
- the answers and the report's models are recomputed from the purged marts (`dbt run` of
  `models/marts/answers` and `models/marts/rapport`);
- the raw folder is scanned: rows still present in the exports would come back at the next
  refresh, so they are reported (the exports must be purged at the source too);
- the copies made before: every published audience file (`--publication`) is republished from
  the purged warehouse, or removed when its key is not in the environment; every backup
  (`--sauvegardes`) is listed, as it still holds the removed rows until rotated out.
Everything runs under the warehouse lock; a purge that fails leaves the warehouse unchanged.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import sqlite3
import sys
import uuid
from pathlib import Path

import duckdb

from retailinsight.rafraichir import (CODE_VERROU_PRIS, VerrouPris, chemin_entrepot,
                                      compacter, rafraichir, verrou)

# A raw line as the exports may hold it in quarantine: fields separated by `;` (or by `,` or a
# tab in a malformed line), the key possibly written with leading zeros, spaces or quotes.
# Erasure and purge read the key as a number and the purchase date wherever it can be found,
# so no written form of a feedback escapes them.
CHAMPS_BRUTS = "string_split_regex(contenu_brut, '[;,\t]')"
CLE_BRUTE = (f"try_cast(nullif(regexp_replace({CHAMPS_BRUTS}[1], '[^0-9]', '', 'g'), '') "
             "as hugeint)")
DATE_BRUTE = (f"coalesce(try_cast(try_strptime(trim({CHAMPS_BRUTS}[5]), '%Y-%m-%d') as date), "
              "try_cast(nullif(regexp_extract(contenu_brut, "
              "'[0-9]{4}-[0-9]{2}-[0-9]{2}'), '') as date))")
SEPARATEURS_BRUTS = re.compile(r"[;,\t]")
DATE_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
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
    (`sur_date`): each takes the SQL expression of the key (a number) or of the date and
    returns a test. A raw line whose date cannot be read ages out by its load date
    (`date_chargement`), or, in the tables that have none, with the quarantined line of the
    same content (`purge_sans_date`, filled by `_supprimer`)."""
    morceaux = []
    if sur_cle and "cle_retour_client" in cols:
        morceaux.append(sur_cle("cle_retour_client"))
    if sur_date and "date_achat" in cols:
        morceaux.append(sur_date("date_achat"))
    if "contenu_brut" in cols:
        filtre = "table_cible = 'retour_client' and " if "table_cible" in cols else ""
        if sur_cle:
            morceaux.append(filtre + sur_cle(CLE_BRUTE))
        else:
            sans_date = ("contenu_brut in (select contenu_brut from purge_sans_date)"
                         if "date_chargement" not in cols else sur_date("date_chargement"))
            morceaux.append(filtre + f"({sur_date(DATE_BRUTE)} or ({DATE_BRUTE} is null and "
                            f"contenu_brut is not null and {sans_date}))")
    return " or ".join(f"({m})" for m in morceaux) or "false"


def _mois_ligne(cols: set[str]) -> str:
    if "date_achat" in cols:
        return "date_trunc('month', date_achat)"
    return f"date_trunc('month', {DATE_BRUTE})"


def _preparer_purge_sans_date(base, limite: dt.date | None) -> None:
    """Temp table of the quarantined raw feedback lines without a readable date that were
    loaded before `limite` (none for an erasure: `limite` None)."""
    base.execute("create or replace temp table purge_sans_date (contenu_brut varchar)")
    quarantaine = base.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'marts' and table_name = 'fct_ligne_rejetee'").fetchone()[0]
    if limite is not None and quarantaine:
        base.execute("insert into purge_sans_date select contenu_brut from marts.fct_ligne_rejetee "
                     f"where table_cible = 'retour_client' and {DATE_BRUTE} is null "
                     "and date_chargement < ?", [limite])


def _supprimer(entrepot: Path, operation: str, parametre: str, predicat_pour,
               limite: dt.date | None = None) -> dict:
    """Delete, in one transaction, the rows `predicat_pour(cols)` selects in every feedback
    table; journal the counts per table and month; rewrite the file. Return the counts."""
    resultat = {}
    identifiant = str(uuid.uuid4())
    maintenant = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with duckdb.connect(str(entrepot)) as base:
        _preparer_purge_sans_date(base, limite)
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


def appliquer_registre(entrepot: Path) -> dict[str, int]:
    """Delete from `entrepot` every row the GDPR register names (erased keys; feedback bought
    before a retention limit already applied), e.g. after a restore from an older backup;
    compact if anything was deleted. Return the rows removed per table. (Issue 22: to do.)"""
    raise NotImplementedError


def cle_numerique(champ) -> int | None:
    """A raw key field read as a number: leading zeros, spaces and quotes do not matter."""
    chiffres = re.sub(r"[^0-9]", "", str(champ or ""))
    return int(chiffres) if chiffres else None


def date_ligne(champs: list[str], ligne: str) -> str | None:
    """The purchase date of a raw line (ISO text): its fifth field, else the first ISO date
    anywhere in the line."""
    if len(champs) >= 5 and DATE_ISO.fullmatch(champs[4].strip()):
        return champs[4].strip()
    trouvee = DATE_ISO.search(ligne)
    return trouvee.group(0) if trouvee else None


def _traces_brutes(dossier: Path, garder_ligne) -> dict[str, int]:
    """Lines of the raw exports that `garder_ligne(key, date)` flags, per file; every line is
    read, malformed ones included (key as a number, date or None)."""
    traces = {}
    if (dossier / "retour_client.csv").is_file():
        texte = (dossier / "retour_client.csv").read_bytes().decode("cp1252", errors="replace")
        n = 0
        for ligne in texte.splitlines():
            champs = SEPARATEURS_BRUTS.split(ligne)
            if ligne.strip() and garder_ligne(cle_numerique(champs[0]), date_ligne(champs, ligne)):
                n += 1
        if n:
            traces["retour_client.csv"] = n
    if (dossier / "Satisfaction.db").is_file():
        with sqlite3.connect(f"file:{dossier / 'Satisfaction.db'}?mode=ro", uri=True) as base:
            n = sum(1 for cle, date in base.execute(
                "select cle_retour_client, date_achat from retour_client")
                if garder_ligne(cle_numerique(cle), date_ligne([""] * 4 + [str(date or "")],
                                                               str(date or ""))))
        if n:
            traces["Satisfaction.db:retour_client"] = n
    return traces


def _recalculer_reponses(entrepot: Path) -> int:
    os.environ["BESTMARKET_WAREHOUSE"] = str(entrepot)
    # The answers and the report's models (by store, département, month, and the store
    # segmentation) are all aggregates of the fact: every one is recomputed.
    return rafraichir(["run", "--select", "path:models/marts/answers",
                       "path:models/marts/rapport"], entrepot)


def purger(entrepot: Path, mois: int = 36, date_reference: dt.date | None = None,
           recalculer: bool = True) -> dict:
    """Remove feedback bought more than `mois` months before `date_reference` (default today)."""
    date_reference = date_reference or dt.date.today()
    limite = mois_retranches(date_reference, mois)
    with verrou(entrepot, "gdpr purge"):
        comptes = _supprimer(
            entrepot, "purge de rétention", f"rétention {mois} mois, achats avant {limite}",
            lambda cols: _predicat(cols, sur_date=lambda d: f"{d} < date '{limite}'"),
            limite)
    if recalculer and _recalculer_reponses(entrepot) != 0:
        raise RuntimeError("answers could not be recomputed after the purge")
    return {"limite": limite, "supprimees": comptes}


def effacer(entrepot: Path, cles: list[int], recalculer: bool = True) -> dict:
    """Remove the feedbacks whose keys are `cles` from every table."""
    texte = ", ".join(str(int(c)) for c in cles)
    with verrou(entrepot, "gdpr erasure"):
        comptes = _supprimer(
            entrepot, "effacement sur demande", f"{len(cles)} clé(s)",
            lambda cols: _predicat(cols, sur_cle=lambda k: f"{k} in ({texte})"))
    if recalculer and _recalculer_reponses(entrepot) != 0:
        raise RuntimeError("answers could not be recomputed after the erasure")
    return {"supprimees": comptes}


def copies_en_aval(entrepot: Path, publication: Path, sauvegardes: Path) -> list[str]:
    """After a purge or an erasure, the copies made before it: every published audience file
    is republished from the purged warehouse (its key is in the environment) or removed (it is
    not: a stale file must not outlive the erasure); every backup is listed, since it still
    holds the removed rows until rotation deletes it. Return the lines to print."""
    from retailinsight import publication as pub
    from retailinsight import sauvegarde

    lignes = []
    publies = sorted(p for p in publication.glob("*.duckdb") if p.stem in pub.audiences()) \
        if publication.is_dir() else []
    avec_cle = [p.stem for p in publies if os.environ.get(pub.variable_cle(p.stem))]
    if avec_cle:
        for audience, chemin in pub.publier(entrepot, publication, avec_cle).items():
            lignes.append(f"republished {audience}: {chemin}")
    for chemin in publies:
        if chemin.stem not in avec_cle:
            chemin.unlink()
            lignes.append(f"removed stale published file {chemin} ({pub.variable_cle(chemin.stem)}"
                          " not set: publish it again with python -m retailinsight.publication)")
    for copie in sauvegarde.lister(sauvegardes):
        lignes.append(f"warning: backup {copie} was made before this operation and still holds "
                      "the removed rows: delete it, or let rotation (--garder) remove it")
    return lignes


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
        sous.add_argument("--publication", type=Path, default=Path(os.environ.get(
            "BESTMARKET_PUBLICATION_DIR", "publication")),
            help="published audience files to republish (default: publication)")
        sous.add_argument("--sauvegardes", type=Path, default=Path(os.environ.get(
            "BESTMARKET_BACKUP_DIR", "backups")), help="backups to list (default: backups)")
    args = parser.parse_args(argv)
    dossier = Path(os.environ.get("BESTMARKET_RAW_DIR", "data/echantillon"))
    try:
        if args.commande == "purger":
            resultat = purger(args.entrepot, args.mois, args.date_reference)
            limite = resultat["limite"].isoformat()
            traces = _traces_brutes(dossier, lambda cle, date: date is not None and date < limite)
            print(f"purged feedback bought before {limite}")
        else:
            resultat = effacer(args.entrepot, args.cle)
            cles = {int(c) for c in args.cle}
            traces = _traces_brutes(dossier, lambda cle, date: cle in cles)
            print(f"erased {len(args.cle)} key(s)")
    except VerrouPris as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return CODE_VERROU_PRIS
    for table, nombre in sorted(resultat["supprimees"].items()):
        print(f"  {table}: {nombre} rows removed")
    for ligne in copies_en_aval(args.entrepot, args.publication, args.sauvegardes):
        print(ligne, file=sys.stderr if ligne.startswith("warning") else sys.stdout)
    for fichier, nombre in traces.items():
        print(f"warning: {nombre} such rows are still in the raw export {dossier / fichier}: "
              "remove them at the source, or the next refresh loads them again",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
