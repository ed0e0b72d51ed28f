"""GDPR operations on the warehouse: retention purge and erasure on request.

    python -m retailinsight.rgpd purger  [--mois 36] [--date-reference YYYY-MM-DD]
                                         [--part-max 0.2] [--forcer] [--a-blanc]
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
  everything downstream of `fct_retour_client`, the building blocks of the report included);
- the raw folder is scanned: rows still present in the exports would come back at the next
  refresh, so they are reported (the exports must be purged at the source too);
- the copies made before: every published audience file (`--publication`) is republished from
  the purged warehouse, or removed when its key is not in the environment; every backup
  (`--sauvegardes`) is listed, as it still holds the removed rows until rotated out. Both may
  be bucket prefixes (`s3://…`): the published objects are replaced or deleted with every
  earlier version of them, and the bucket's backups are listed the same way.
Everything runs under the warehouse lock; a purge that fails leaves the warehouse unchanged.

Both first append to the GDPR register (`registre`, outside the warehouse) what they remove:
the keyed hash of each erased key, the retention limit of a purge, before any deletion, so
that a killed operation never loses the request and the rows never come back from an export
or a restored backup (`appliquer_registre`). A purge that would remove more than a share of
the feedback (`--part-max`, default 20 %) refuses unless `--forcer`; `--a-blanc` only says
what it would remove. If the answers cannot be recomputed, the erasure still removes the
published files, lists the backups and exits non-zero saying the answers are stale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sqlite3
import sys
import uuid
from pathlib import Path

import duckdb

from retailinsight import registre, reglages, stockage
from retailinsight.entrepot import compacter, marquer_compaction_due
from retailinsight.erreurs import CODE_VERROU_PRIS, OperationRefusee, VerrouPris
from retailinsight.rafraichir import rafraichir
from retailinsight.reglages import RACINE, chemin_entrepot, chemin_registre
from retailinsight.verrou import verrou

# A raw line as the exports may hold it in quarantine: fields separated by `;` (or by `,`, `|`
# or a tab in a malformed line), possibly led by empty fields, the key possibly written with
# leading zeros, spaces, quotes or a decimal part (`900001.0`). Erasure and purge read the key
# as a number (the first non-empty field) and the purchase date wherever it can be found, so
# no written form of a feedback escapes them, whatever table of raw rows holds it.
CHAMPS_BRUTS = "string_split_regex(contenu_brut, '[;,\t]')"
_HABILLAGE = "'^[\\s\"'']+|[\\s\"'']+$'"
_PREMIER_CHAMP = (f"regexp_replace(list_filter(string_split_regex(contenu_brut, '[;,\t|]'), "
                  f"lambda x: regexp_replace(x, {_HABILLAGE}, '', 'g') <> '')[1], "
                  f"{_HABILLAGE}, '', 'g')")
CLE_BRUTE = (f"try_cast(nullif(regexp_extract({_PREMIER_CHAMP}, '^0*([0-9]+)(\\.0*)?$', 1), '')"
             " as hugeint)")
DATE_BRUTE = (f"coalesce(try_cast(try_strptime(trim({CHAMPS_BRUTS}[5]), '%Y-%m-%d') as date), "
              "try_cast(nullif(regexp_extract(contenu_brut, "
              "'[0-9]{4}-[0-9]{2}-[0-9]{2}'), '') as date))")
SEPARATEURS_BRUTS = re.compile(r"[;,\t]")
SEPARATEURS_CLE = re.compile(r"[;,\t|]")
HABILLAGE = " \t\r\n\"'"
CLE_DECIMALE = re.compile(r"0*([0-9]+)(?:\.0*)?")
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
    """(schema, table, columns) of every table that can hold feedback rows: a feedback
    column, or raw rows (`contenu_brut`, whatever export they came from)."""
    colonnes = {}
    for schema, table, colonne in base.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and schema_name <> 'audit'").fetchall():
        colonnes.setdefault((schema, table), set()).add(colonne)
    return [(schema, table, cols) for (schema, table), cols in sorted(colonnes.items())
            if {"cle_retour_client", "date_achat", "contenu_brut"} & cols]


def _predicat(cols: set[str], sur_cle=None, sur_date=None) -> str:
    """SQL predicate selecting a table's feedback rows, by key (`sur_cle`) and/or by purchase
    date (`sur_date`): each takes the SQL expression of the key (a number) or of the date and
    returns a test. By key, every raw row is read (a feedback line can land in any export's
    quarantine); by date, only the raw rows of the feedback tables and of the quarantine
    meant for the feedback table. A raw line whose
    date cannot be read ages out by its load date (`date_chargement`), or, in the tables that
    have none, with the quarantined line of the same content (`purge_sans_date`, filled by
    `_supprimer`)."""
    morceaux = []
    if sur_cle and "cle_retour_client" in cols:
        morceaux.append(sur_cle("cle_retour_client"))
    if sur_date and "date_achat" in cols:
        morceaux.append(sur_date("date_achat"))
    if "contenu_brut" in cols:
        if sur_cle:
            # A raw row of another export (a product, a store) is feedback only if malformed:
            # a valid product whose key equals an erased feedback's is kept.
            anomalie = next((c for c in ("anomalie", "motif_rejet") if c in cols), None)
            garde = (f"{anomalie} is not null and " if anomalie and not
                     {"cle_retour_client", "table_cible"} & cols else "")
            morceaux.append(garde + sur_cle(CLE_BRUTE))
        if sur_date and {"table_cible", "cle_retour_client", "date_achat"} & cols:
            filtre = "table_cible = 'retour_client' and " if "table_cible" in cols else ""
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
               limite: dt.date | None = None, empreintes=(), sel_registre: str = "") -> dict:
    """Delete, in one transaction, the rows `predicat_pour(cols)` selects in every feedback
    table; journal the counts per table and month; if anything was deleted, record that a
    compaction is owed before the commit, then rewrite the file. Return the counts."""
    resultat = {}
    identifiant = str(uuid.uuid4())
    maintenant = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with duckdb.connect(str(entrepot)) as base:
        _preparer_purge_sans_date(base, limite)
        base.execute("create or replace temp table registre_cles (empreinte varchar)")
        if empreintes:
            base.executemany("insert into registre_cles values (?)", [[e] for e in empreintes])
        base.execute("set variable rgpd_sel = ?", [sel_registre])
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
        if resultat:
            marquer_compaction_due(entrepot)
        base.execute("commit")
    if resultat:
        compacter(entrepot)
    os.chmod(entrepot, 0o600)
    return resultat


def _empreinte_sql(cle: str) -> str:
    """SQL test: the keyed hash of key expression `cle` is in the register (temp table)."""
    return (f"sha256(getvariable('rgpd_sel') || ':' || cast({cle} as varchar)) "
            "in (select empreinte from registre_cles)")


def appliquer_registre(entrepot: Path) -> dict[str, int]:
    """Delete from `entrepot` every row the GDPR register names (erased keys; feedback bought
    before a retention limit already applied), e.g. after a restore from an older backup;
    compact if anything was deleted. Return the rows removed per table. The caller holds the
    warehouse lock (or owns the file alone)."""
    empreintes, limite = registre.lire(chemin_registre(entrepot))
    if not empreintes and limite is None:
        return {}
    sel_registre = registre.sel() if empreintes else ""

    def predicat(cols):
        return _predicat(cols, sur_cle=_empreinte_sql if empreintes else None,
                         sur_date=(lambda d: f"{d} < date '{limite}'") if limite else None)
    return _supprimer(entrepot, "registre RGPD", f"{len(empreintes)} clé(s), rétention "
                      f"{limite or 'aucune'}", predicat, limite, empreintes, sel_registre)


def cle_numerique(champ) -> int | None:
    """A raw key field read as a decimal number: leading zeros, spaces, quotes and a zero
    decimal part (`900001.0`) do not matter; anything else is not a key."""
    trouvee = CLE_DECIMALE.fullmatch(str("" if champ is None else champ).strip(HABILLAGE))
    return int(trouvee.group(1)) if trouvee else None


def cle_ligne(ligne: str) -> int | None:
    """The key of a raw line: its first non-empty field (split on `; , TAB |`), as a number."""
    for champ in SEPARATEURS_CLE.split(ligne):
        if champ.strip(HABILLAGE):
            return cle_numerique(champ)
    return None


def date_ligne(champs: list[str], ligne: str) -> str | None:
    """The purchase date of a raw line (ISO text): its fifth field, else the first ISO date
    anywhere in the line."""
    if len(champs) >= 5 and DATE_ISO.fullmatch(champs[4].strip()):
        return champs[4].strip()
    trouvee = DATE_ISO.search(ligne)
    return trouvee.group(0) if trouvee else None


def _fichiers_csv(dossier) -> list:
    """The CSV exports of the raw folder (files, or a bucket prefix's objects)."""
    if isinstance(dossier, stockage.Objet):
        return [dossier / cle for cle in sorted(stockage.lister(dossier))
                if "/" not in cle and cle.lower().endswith(".csv")]
    return sorted(p for p in dossier.iterdir() if p.suffix.lower() == ".csv"
                  and p.is_file()) if dossier.is_dir() else []


def _traces_brutes(dossier, garder_ligne) -> dict[str, int]:
    """Lines of the raw exports that `garder_ligne(key, date)` flags, per file; every line of
    every CSV file of the raw folder is read, malformed ones included (key as a number, date
    or None), and the CRM's feedback table. A bucket's CRM file is read from a private
    temporary copy, removed after."""
    if isinstance(dossier, stockage.Objet):
        if stockage.decrire(dossier / "Satisfaction.db") is None:
            return _traces_fichiers(dossier, garder_ligne, None)
        prive = stockage.dossier_prive("bestmarket-crm-")
        try:
            crm = stockage.telecharger(dossier / "Satisfaction.db", prive / "Satisfaction.db")
            return _traces_fichiers(dossier, garder_ligne, crm)
        finally:
            shutil.rmtree(prive, ignore_errors=True)
    crm = dossier / "Satisfaction.db"
    return _traces_fichiers(dossier, garder_ligne, crm if crm.is_file() else None)


def _traces_fichiers(dossier, garder_ligne, crm: Path | None) -> dict[str, int]:
    from retailinsight.dbt_plugin import ouvrir_brut

    traces = {}
    for fichier in _fichiers_csv(dossier):
        with ouvrir_brut(fichier) as flux:
            texte = flux.read().decode("cp1252", errors="replace")
        # In another export, only a line with a purchase date can be a feedback line.
        autre = fichier.name != "retour_client.csv"
        n = 0
        for ligne in texte.splitlines():
            date = date_ligne(SEPARATEURS_BRUTS.split(ligne), ligne)
            if ligne.strip() and not (autre and date is None) and garder_ligne(cle_ligne(ligne),
                                                                               date):
                n += 1
        if n:
            traces[fichier.name] = n
    if crm is not None:
        with sqlite3.connect(f"file:{crm}?mode=ro", uri=True) as base:
            n = sum(1 for cle, date in base.execute(
                "select cle_retour_client, date_achat from retour_client")
                if garder_ligne(cle_numerique(cle), date_ligne([""] * 4 + [str(date or "")],
                                                               str(date or ""))))
        if n:
            traces["Satisfaction.db:retour_client"] = n
    return traces


def _recalculer_reponses(entrepot: Path) -> int:
    os.environ[reglages.ENTREPOT.variable] = str(entrepot)
    # The answers and the report's models (by store, département, month, and the store
    # segmentation) are all aggregates of the fact: every one is recomputed.
    try:
        return rafraichir(["run", "--select", *MODELES_REPONSES], entrepot)
    finally:
        if entrepot.is_file():
            os.chmod(entrepot, 0o600)


# Everything built on the fact (answers, report, their building blocks), the fact itself excluded.
MODELES_REPONSES = ("fct_retour_client+", "--exclude", "fct_retour_client")


def _reponses_recalculees(entrepot: Path) -> bool:
    """Whether the answers were recomputed; a failure of any kind is reported, not raised:
    the deletion is committed, the caller must still deal with the copies made before."""
    try:
        return _recalculer_reponses(entrepot) == 0
    except Exception as erreur:  # noqa: BLE001 - reported, and the command exits non-zero
        print(f"error: recomputing the answers failed: {erreur}", file=sys.stderr)
        return False


def bilan_purge(entrepot: Path, limite: dt.date) -> dict:
    """What a purge to `limite` would remove from the fact: total rows, rows removed, months."""
    with duckdb.connect(str(entrepot), read_only=True) as base:
        existe = base.execute(
            "select count(*) from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'marts' and table_name = 'fct_retour_client'").fetchone()[0]
        if not existe:
            return {"total": 0, "supprimees": 0, "mois": []}
        total, = base.execute("select count(*) from marts.fct_retour_client").fetchone()
        mois = base.execute(
            "select strftime(date_trunc('month', date_achat), '%Y-%m'), count(*) "
            "from marts.fct_retour_client where date_achat < ? group by all order by 1",
            [limite]).fetchall()
    return {"total": total, "supprimees": sum(n for _, n in mois), "mois": mois}


def decrire_bilan(bilan: dict, limite: dt.date, part_max: float) -> tuple[str, bool]:
    """(message, refused) of a purge's assessment."""
    if not bilan["total"]:
        return "the warehouse holds no feedback: nothing to purge", False
    part = bilan["supprimees"] / bilan["total"]
    mois = ", ".join(f"{m} ({n})" for m, n in bilan["mois"]) or "none"
    message = (f"the purge of feedback bought before {limite} removes {bilan['supprimees']} of "
               f"{bilan['total']} feedback rows ({part:.0%}); months: {mois}")
    if part > part_max:
        return (message + f"; that is more than the allowed share ({part_max:.0%}, "
                "BESTMARKET_PURGE_PART_MAX or --part-max): refused, nothing was changed; "
                "check the retention and the reference date, or pass --forcer"), True
    return message, False


def purger(entrepot: Path, mois: int | None = None, date_reference: dt.date | None = None,
           recalculer: bool = True, part_max: float | None = None, forcer: bool = False,
           a_blanc: bool = False) -> dict:
    """Remove feedback bought more than `mois` months before `date_reference` (default today),
    unless more than `part_max` of the feedback would go (`forcer` to do it anyway). With
    `a_blanc`, change nothing. Raise OperationRefusee before any change when refused."""
    mois = reglages.RETENTION_MOIS.entier() if mois is None else mois
    part_max = reglages.PURGE_PART_MAX.decimal() if part_max is None else part_max
    date_reference = date_reference or dt.date.today()
    limite = mois_retranches(date_reference, mois)
    with verrou(entrepot, "gdpr purge"):
        bilan = bilan_purge(entrepot, limite)
        message, refusee = decrire_bilan(bilan, limite, part_max)
        refusee = refusee and not forcer
        if a_blanc:
            return {"limite": limite, "message": message, "refusee": refusee,
                    "supprimees": {}, "reponses_a_jour": True}
        if refusee:
            raise OperationRefusee(message)
        registre.inscrire(chemin_registre(entrepot), [("retention", limite.isoformat())])
        comptes = _supprimer(
            entrepot, "purge de rétention", f"rétention {mois} mois, achats avant {limite}",
            lambda cols: _predicat(cols, sur_date=lambda d: f"{d} < date '{limite}'"),
            limite)
    a_jour = not recalculer or _reponses_recalculees(entrepot)
    return {"limite": limite, "message": message, "refusee": False, "supprimees": comptes,
            "reponses_a_jour": a_jour}


def effacer(entrepot: Path, cles: list[int], recalculer: bool = True) -> dict:
    """Remove the feedbacks whose keys are `cles` from every table, after their keyed hashes
    are in the register (which needs the backup key: OperationRefusee before any change)."""
    try:
        sel_registre = registre.sel()
    except registre.RegistreInvalide as erreur:
        raise OperationRefusee(f"nothing was erased: the erased keys are kept, as keyed "
                               f"hashes, in the GDPR register: {erreur}") from None
    texte = ", ".join(str(int(c)) for c in cles)
    with verrou(entrepot, "gdpr erasure"):
        registre.inscrire(chemin_registre(entrepot),
                          [("cle", registre.empreinte(sel_registre, c)) for c in cles])
        comptes = _supprimer(
            entrepot, "effacement sur demande", f"{len(cles)} clé(s)",
            lambda cols: _predicat(cols, sur_cle=lambda k: f"{k} in ({texte})"))
    a_jour = not recalculer or _reponses_recalculees(entrepot)
    return {"supprimees": comptes, "reponses_a_jour": a_jour}


def copies_en_aval(entrepot: Path, publication: Path, sauvegardes: Path,
                   republier: bool = True) -> list[str]:
    """After a purge or an erasure, the copies made before it: every published audience file
    is republished from the purged warehouse (its key is in the environment, and `republier`:
    the answers are up to date) or removed (a stale file must not outlive the erasure); every
    backup is listed, since it still holds the removed rows until rotation deletes it. Return
    the lines to print."""
    from retailinsight import publication as pub
    from retailinsight import sauvegarde

    lignes = []
    publication = stockage.emplacement(publication)
    sauvegardes = stockage.emplacement(sauvegardes)
    distant = isinstance(publication, stockage.Objet)
    if distant:
        publies = pub.publies_distants(publication)
    else:
        publies = sorted(p for p in publication.glob("*.duckdb") if p.stem in pub.audiences()) \
            if publication.is_dir() else []

    def audience(chemin) -> str:
        return chemin.name.removesuffix(".duckdb")

    avec_cle = [audience(p) for p in publies
                if republier and os.environ.get(pub.variable_cle(audience(p)))]
    if avec_cle:
        for nom, chemin in pub.publier(entrepot, publication, avec_cle).items():
            lignes.append(f"republished {nom}: {chemin}")
    for chemin in publies:
        if audience(chemin) not in avec_cle:
            if distant:
                stockage.supprimer(chemin)  # every version of it, and of its pages
                stockage.supprimer(pub.fichier_pages(chemin))
            else:
                chemin.unlink()
                pub.fichier_pages(chemin).unlink(missing_ok=True)
            raison = (f"{pub.variable_cle(audience(chemin))} not set" if republier
                      else "the answers are stale")
            lignes.append(f"removed stale published file {chemin} ({raison}: publish it again "
                          "with python -m retailinsight.publication)")
    copies = sauvegarde.distantes(sauvegardes) if isinstance(sauvegardes, stockage.Objet) \
        else sauvegarde.lister(sauvegardes)
    for copie in copies:
        lignes.append(f"warning: backup {copie} was made before this operation and still holds "
                      "the removed rows: delete it, or let rotation (--garder) remove it")
    return lignes


def nettoyer_journaux_dbt() -> list[str]:
    """Remove dbt's logs (`dbt.log*`) and last run results (`run_results.json`), where dbt
    writes them (DBT_LOG_PATH / DBT_TARGET_PATH, else the project's `logs/` and `target/`): an
    error there may quote a raw line. Return the lines to print."""
    journaux = {Path(os.environ.get("DBT_LOG_PATH") or RACINE / "logs")}
    cibles = {Path(os.environ.get("DBT_TARGET_PATH") or RACINE / "target")}
    fichiers = [f for d in sorted(journaux) if d.is_dir() for f in sorted(d.glob("dbt.log*"))]
    fichiers += [d / "run_results.json" for d in sorted(cibles)]
    lignes = []
    for fichier in fichiers:
        if fichier.is_file() or fichier.is_symlink():
            fichier.unlink()
            lignes.append(f"removed dbt's {fichier} (it may quote raw lines)")
    return lignes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commandes = parser.add_subparsers(dest="commande", required=True)
    p_purger = commandes.add_parser("purger", help="retention purge")
    p_purger.add_argument("--mois", type=int, default=reglages.RETENTION_MOIS.entier(),
                          help="retention in months (default "
                               f"{reglages.RETENTION_MOIS.defaut})")
    p_purger.add_argument("--date-reference", type=dt.date.fromisoformat, default=None,
                          help="date the retention counts back from (default: today)")
    p_purger.add_argument("--part-max", type=float, default=reglages.PURGE_PART_MAX.decimal(),
                          help="largest share of the feedback a purge may remove (default "
                               f"{reglages.PURGE_PART_MAX.defaut})")
    p_purger.add_argument("--forcer", action="store_true",
                          help="purge even beyond --part-max")
    p_purger.add_argument("--a-blanc", action="store_true",
                          help="dry run: say what would be removed and whether it is refused "
                               "(exit 1 if refused), change nothing")
    p_effacer = commandes.add_parser("effacer", help="erase given feedback keys")
    p_effacer.add_argument("--cle", type=int, action="append", required=True)
    for sous in (p_purger, p_effacer):
        sous.add_argument("--entrepot", type=Path, default=chemin_entrepot())
        sous.add_argument("--publication", type=stockage.emplacement,
                          default=stockage.emplacement(reglages.PUBLICATION.texte()),
                          help="published audience files to republish (default: "
                               f"{reglages.PUBLICATION.defaut})")
        sous.add_argument("--sauvegardes", type=stockage.emplacement,
                          default=stockage.emplacement(reglages.SAUVEGARDES.texte()),
                          help=f"backups to list (default: {reglages.SAUVEGARDES.defaut})")
    args = parser.parse_args(argv)
    dossier = reglages.dossier_brut()
    try:
        if args.commande == "purger":
            resultat = purger(args.entrepot, args.mois, args.date_reference,
                              part_max=args.part_max, forcer=args.forcer, a_blanc=args.a_blanc)
            print(resultat["message"])
            if args.a_blanc:
                print("dry run: nothing was changed; the purge would be "
                      + ("REFUSED" if resultat["refusee"] else "accepted"))
                return 1 if resultat["refusee"] else 0
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
    except (OperationRefusee, registre.RegistreInvalide) as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 2
    for table, nombre in sorted(resultat["supprimees"].items()):
        print(f"  {table}: {nombre} rows removed")
    a_jour = resultat["reponses_a_jour"]
    for ligne in copies_en_aval(args.entrepot, args.publication, args.sauvegardes, a_jour):
        print(ligne, file=sys.stderr if ligne.startswith("warning") else sys.stdout)
    for ligne in nettoyer_journaux_dbt():
        print(ligne)
    for fichier, nombre in traces.items():
        print(f"warning: {nombre} such rows are still in the raw export {dossier / fichier}: "
              "remove them at the source (until then, only the GDPR register keeps them out "
              "of the next refreshes)",
              file=sys.stderr)
    if not a_jour:
        print(f"error: the rows were removed from the warehouse {args.entrepot}, but the "
              "answers and the report could not be recomputed: they are STALE and still count "
              "the removed rows. Run: bestmarket refresh -- run --select "
              + " ".join(MODELES_REPONSES) + ", then publish again", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
