"""Publish one encrypted DuckDB file per audience, holding only what that audience may see.

    python -m retailinsight.publication [--entrepot W] [--dossier publication] [--audience NAME]

Audiences (see AUDIENCES below and SECURITY.md):
- `equipe_data`: the data team, every table of the warehouse;
- `service_client`: feedback rows (marts) and every answer; no staging, intermediate,
  quarantine, reconciliation or history;
- `direction`: aggregated answers and NPS only, no feedback row;
- `departement_<code>`: the store managers of one département (75, 77, …): the feedback of
  their stores only, their stores, the product reference.

Each file is encrypted at rest with DuckDB's database encryption; its key is read from the
environment variable `BESTMARKET_CLE_<AUDIENCE>` (e.g. `BESTMARKET_CLE_DEPARTEMENT_75`), never
from the repository. A missing key stops the publication before anything is written. Writing
encrypted files needs DuckDB's httpfs extension, loaded from its pinned PyPI wheel.
"""

from __future__ import annotations

import argparse
import math
import os
import string
import sys
from pathlib import Path

import duckdb

from retailinsight.dbt_plugin import chemin_extension
from retailinsight.rafraichir import (CODE_VERROU_PRIS, VerrouPris, chemin_entrepot, litteral,
                                      verrou)

DEPARTEMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")
TABLES_FEEDBACK = ("marts.fct_retour_client", "marts.dim_produit", "marts.dim_magasin")
# Answers that list individual feedback rows: not for audiences limited to aggregates.
REPONSES_LIGNES = ("answers.notes_reseaux_sociaux_tv",)


class CleManquante(RuntimeError):
    """The encryption key of an audience is not set in the environment."""


def variable_cle(audience: str) -> str:
    return f"BESTMARKET_CLE_{audience.upper()}"


def tables_entrepot(base) -> list[str]:
    return [f"{s}.{t}" for s, t in base.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = 'src' order by 1, 2").fetchall()]


def contenu_audience(audience: str, tables: list[str]) -> dict[str, str]:
    """What `audience` may see: {table: SQL select over the source catalog `src`}."""
    reponses = [t for t in tables if t.startswith("answers.")]
    if audience == "equipe_data":
        return {t: f"select * from src.{t}" for t in tables}
    if audience == "service_client":
        return {t: f"select * from src.{t}" for t in (*TABLES_FEEDBACK, *reponses)}
    if audience == "direction":
        return {t: f"select * from src.{t}" for t in reponses if t not in REPONSES_LIGNES}
    if audience.startswith("departement_") and audience.removeprefix("departement_") in DEPARTEMENTS:
        code = audience.removeprefix("departement_")
        magasins = f"select ref_magasin from src.marts.dim_magasin where code_departement = '{code}'"
        return {
            "marts.dim_magasin": f"select * from src.marts.dim_magasin where code_departement = '{code}'",
            "marts.fct_retour_client": "select * from src.marts.fct_retour_client "
                                       f"where ref_magasin in ({magasins})",
            "marts.dim_produit": "select * from src.marts.dim_produit",
        }
    raise ValueError(f"unknown audience: {audience}")


def audiences() -> list[str]:
    return ["equipe_data", "service_client", "direction",
            *(f"departement_{code}" for code in DEPARTEMENTS)]


BITS_MINIMUM = 128
GENERER_CLE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def bits_estimes(cle: str) -> float:
    """Upper estimate of a key's entropy: its length times log2 of the alphabet its character
    classes span (digits, lower case, upper case, others), and nothing for a key with fewer
    than 8 distinct characters (`aaaa…`, `1212…`)."""
    if len(set(cle)) < 8:
        return 0.0
    classes = [string.digits, string.ascii_lowercase, string.ascii_uppercase]
    alphabet = sum(len(c) for c in classes if any(x in c for x in cle))
    if any(not any(x in c for c in classes) for x in cle):
        alphabet += 32
    return len(cle) * math.log2(alphabet)


def verifier_cles(cles: dict[str, str]) -> None:
    """Refuse a weak key (under BITS_MINIMUM bits) or a key shared by two audiences."""
    for audience, cle in cles.items():
        if bits_estimes(cle) < BITS_MINIMUM:
            raise CleManquante(
                f"key of audience {audience} ({variable_cle(audience)}) is too weak: at least "
                f"{BITS_MINIMUM} bits of entropy are required; generate one with {GENERER_CLE} "
                "(nothing was published)")
    vues = {}
    for audience, cle in cles.items():
        if cle in vues:
            raise CleManquante(f"audiences {vues[cle]} and {audience} have the same key: each "
                               "audience needs its own (nothing was published)")
        vues[cle] = audience


def publier(entrepot: Path, dossier: Path, choix: list[str] | None = None) -> dict[str, Path]:
    """Write the encrypted file of each chosen audience; return {audience: path}."""
    choix = choix or audiences()
    cles = {}
    for audience in choix:
        cle = os.environ.get(variable_cle(audience))
        if not cle:
            raise CleManquante(f"no key for audience {audience}: set {variable_cle(audience)} "
                               "(nothing was published)")
        cles[audience] = cle
    verifier_cles(cles)
    dossier.mkdir(parents=True, exist_ok=True)
    ecrits = {}
    with verrou(entrepot, "publication"):
        base = duckdb.connect()
        base.execute(f"load {litteral(chemin_extension('duckdb_extension_httpfs', 'httpfs'))}")
        base.execute(f"attach {litteral(entrepot)} as src (read_only)")
        tables = tables_entrepot(base)
        for audience in choix:
            cible = dossier / f"{audience}.duckdb"
            provisoire = cible.with_name(cible.name + ".en-cours")
            provisoire.unlink(missing_ok=True)
            base.execute(f"attach {litteral(provisoire)} as dst "
                         f"(encryption_key {litteral(cles[audience])})")
            for table, requete in contenu_audience(audience, tables).items():
                schema = table.split(".")[0]
                base.execute(f"create schema if not exists dst.{schema}")
                base.execute(f"create table dst.{table} as {requete}")
            base.execute("detach dst")
            os.chmod(provisoire, 0o600)  # feedback rows: readable by their owner only
            os.replace(provisoire, cible)
            ecrits[audience] = cible
        base.close()
    return ecrits


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepot", type=Path, default=chemin_entrepot())
    parser.add_argument("--dossier", type=Path,
                        default=Path(os.environ.get("BESTMARKET_PUBLICATION_DIR", "publication")))
    parser.add_argument("--audience", action="append", choices=audiences(),
                        help="publish only this audience (repeatable; default: all)")
    args = parser.parse_args(argv)
    try:
        for audience, chemin in publier(args.entrepot, args.dossier, args.audience).items():
            print(f"{audience}: {chemin}")
    except VerrouPris as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return CODE_VERROU_PRIS
    except CleManquante as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
