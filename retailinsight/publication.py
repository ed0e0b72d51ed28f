"""Publish one encrypted DuckDB file per audience, holding only what that audience may see.

    python -m retailinsight.publication [--entrepot W] [--dossier publication] [--audience NAME]

Audiences (see AUDIENCES below and SECURITY.md):
- `equipe_data`: the data team, every table of the warehouse;
- `service_client`: feedback rows (marts) and every answer; no staging, intermediate,
  quarantine, reconciliation or history;
- `direction`: aggregated answers and NPS only, no feedback row;
- `departement_<code>`: the store managers of one département (75, 77, …): the feedback of
  their stores only, their stores, the product reference.

Each file is a DuckDB file encrypted with DuckDB's database encryption, itself encrypted as a
whole with AES-256-GCM (`chiffrer_fichier`: DuckDB leaves a few bytes of data in clear in its
block headers); its key is read from the environment variable `BESTMARKET_CLE_<AUDIENCE>`
(e.g. `BESTMARKET_CLE_DEPARTEMENT_75`), never from the repository. A missing, weak (zxcvbn) or
shared key, or one equal to the backup key, stops the publication before anything is written.
Writing encrypted files needs DuckDB's httpfs extension, loaded from its pinned PyPI wheel.
The audience opens its file with

    python -m retailinsight.publication ouvrir FILE --vers OUT.duckdb   # key from the environment

then `ATTACH 'OUT.duckdb' AS f (ENCRYPTION_KEY '<key>', READ_ONLY)`.

Beside it, `<audience>.pages.zip`, encrypted as a whole with the same key, holds the report's
pages for that audience, written from the same warehouse (`retailinsight.rapport`): a
département's folder only (its page and its stores' pages) for `departement_<code>`, the
network's report and every département's folder for the others. `ouvrir` decrypts it into a
plain zip: unzip it, open `index.html` (or `rapport_nps.html`) in a browser, offline.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import math
import os
import secrets
import shutil
import struct
import sys
import tempfile
import zipfile
from pathlib import Path

import duckdb
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from zxcvbn import zxcvbn

from retailinsight import reglages, stockage
from retailinsight.dbt_plugin import chemin_extension
from retailinsight.erreurs import CODE_VERROU_PRIS, VerrouPris
from retailinsight.fichiers import NE_PAS_SUIVRE
from retailinsight.reglages import chemin_entrepot
from retailinsight.sql import litteral
from retailinsight.verrou import verrou

DEPARTEMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")
TABLES_FEEDBACK = ("marts.fct_retour_client", "marts.dim_produit", "marts.dim_magasin")
# Answers that list individual feedback rows: not for audiences limited to aggregates.
REPONSES_LIGNES = ("answers.notes_reseaux_sociaux_tv",)
# The alerts that hold now (no feedback row in them); a département gets its own only.
ALERTES = "alertes.alerte"


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
    alertes = [ALERTES] if ALERTES in tables else []
    if audience == "equipe_data":
        return {t: f"select * from src.{t}" for t in tables}
    if audience == "service_client":
        return {t: f"select * from src.{t}" for t in (*TABLES_FEEDBACK, *reponses, *alertes)}
    if audience == "direction":
        return {t: f"select * from src.{t}" for t in (*reponses, *alertes)
                if t not in REPONSES_LIGNES}
    if audience.startswith("departement_") and audience.removeprefix("departement_") in DEPARTEMENTS:
        code = audience.removeprefix("departement_")
        magasins = f"select ref_magasin from src.marts.dim_magasin where code_departement = '{code}'"
        return {
            **{t: f"select * from src.{t} where code_departement = '{code}'" for t in alertes},
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
VARIABLE_CLE_SAUVEGARDE = reglages.CLE_SAUVEGARDE.variable


def bits_estimes(cle: str) -> float:
    """Entropy of a key as zxcvbn (pinned) estimates it, in bits: log2 of the guesses an
    attacker who knows words, names, dates, keyboard walks and repeats needs. zxcvbn counts a
    random character as 10 guesses at most, so only long random keys (secrets.token_urlsafe(32):
    43 characters, about 143 bits here) reach 128 bits; `Bestmarket-departement-75-2024` gets
    67, `Password1!Password1!Password1!` 16. Its first 100 characters are scored (zxcvbn's
    cost grows with the length)."""
    return zxcvbn(cle[:100])["guesses_log10"] * math.log2(10)


def verifier_cles(cles: dict[str, str]) -> None:
    """Refuse a weak key (under BITS_MINIMUM bits), a key shared by two audiences, and an
    audience key equal to the backup key (BESTMARKET_CLE_SAUVEGARDE)."""
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
    if os.environ.get(VARIABLE_CLE_SAUVEGARDE) in vues:
        raise CleManquante(f"the key of audience {vues[os.environ[VARIABLE_CLE_SAUVEGARDE]]} is "
                           f"the backup key ({VARIABLE_CLE_SAUVEGARDE}): each audience needs its "
                           "own (nothing was published)")


def cles_audiences() -> dict[str, str]:
    """The audience keys set in the environment, {audience: key}."""
    return {a: os.environ[variable_cle(a)] for a in audiences() if os.environ.get(variable_cle(a))}


# Whole-file encryption. DuckDB's own encryption leaves 4 bytes of each 256 KiB block header
# in clear (fragments of the data): every file that leaves this process is also encrypted as
# a whole, in chunks of AES-256-GCM. Layout: MAGIC, a random 16-byte salt, then the chunks,
# each the ciphertext of TAILLE_BLOC bytes (the last one shorter, possibly empty) and its
# 16-byte tag. The file's key is HMAC-SHA256(key, salt); chunk i's nonce is i (96 bits); its
# additional data is the header, i and whether it is the last chunk, so that chunks cannot be
# reordered, dropped or the file cut short without the decryption failing.
MAGIC = b"RI360GCM1\n"
TAILLE_BLOC = 1 << 20


class FichierIllisible(RuntimeError):
    """An encrypted file does not decrypt: another key, altered, or cut short."""


def _aad(entete: bytes, index: int, dernier: bool) -> bytes:
    return entete + struct.pack(">Q?", index, dernier)


def chiffrer_fichier(source: Path, cible: Path, cle: bytes) -> None:
    """Encrypt `source` as a whole into the new file `cible` (0600)."""
    sel = secrets.token_bytes(16)
    entete = MAGIC + sel
    aes = AESGCM(hmac.new(cle, sel, hashlib.sha256).digest())
    descripteur = os.open(cible, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NE_PAS_SUIVRE, 0o600)
    with open(source, "rb") as entree, os.fdopen(descripteur, "wb") as sortie:
        sortie.write(entete)
        bloc, index = entree.read(TAILLE_BLOC), 0
        while True:
            suivant = entree.read(TAILLE_BLOC)
            sortie.write(aes.encrypt(index.to_bytes(12, "big"), bloc,
                                     _aad(entete, index, not suivant)))
            if not suivant:
                break
            bloc, index = suivant, index + 1
        sortie.flush()
        os.fsync(sortie.fileno())


def dechiffrer_fichier(source: Path, cible: Path, cle: bytes) -> None:
    """Decrypt `source` (see chiffrer_fichier) into the new file `cible` (0600); on any
    failure raise FichierIllisible and leave no `cible`."""
    descripteur = os.open(cible, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NE_PAS_SUIVRE, 0o600)
    try:
        with open(source, "rb") as entree, os.fdopen(descripteur, "wb") as sortie:
            entete = entree.read(len(MAGIC) + 16)
            if not entete.startswith(MAGIC) or len(entete) != len(MAGIC) + 16:
                raise FichierIllisible(f"{source} is not a file encrypted by this project")
            aes = AESGCM(hmac.new(cle, entete[len(MAGIC):], hashlib.sha256).digest())
            bloc, index = entree.read(TAILLE_BLOC + 16), 0
            while True:
                suivant = entree.read(TAILLE_BLOC + 16)
                try:
                    sortie.write(aes.decrypt(index.to_bytes(12, "big"), bloc,
                                             _aad(entete, index, not suivant)))
                except InvalidTag:
                    raise FichierIllisible(f"{source} does not decrypt: another key, or the "
                                           "file was altered or cut short") from None
                if not suivant:
                    break
                bloc, index = suivant, index + 1
    except BaseException:
        cible.unlink(missing_ok=True)
        raise


def cle_fichier(cle: str) -> bytes:
    """The whole-file key of an audience key (a derivation of its own)."""
    return hmac.new(cle.encode(), b"fichier", hashlib.sha256).digest()


def ouvrir(fichier: Path, vers: Path, cle: str) -> Path:
    """Decrypt a published audience file into `vers`: a DuckDB file, still encrypted with
    DuckDB's encryption under the same key (ATTACH ... (ENCRYPTION_KEY '<key>'))."""
    if vers.exists():
        raise FileExistsError(f"{vers} exists: choose a new file")
    dechiffrer_fichier(fichier, vers, cle_fichier(cle))
    return vers


def objet_audience(dossier: stockage.Objet, audience: str) -> stockage.Objet:
    """Where an audience's file lives in a bucket: a prefix of its own, so that each audience
    can be given read access to its prefix alone."""
    return dossier / audience / f"{audience}.duckdb"


def publies_distants(dossier: stockage.Objet) -> list[stockage.Objet]:
    """The audience files published under the bucket prefix `dossier`."""
    presents = stockage.lister(dossier)
    return [objet_audience(dossier, a) for a in audiences() if f"{a}/{a}.duckdb" in presents]


def publier(entrepot: Path, dossier, choix: list[str] | None = None) -> dict:
    """Write the encrypted file of each chosen audience; return {audience: path}. `dossier`
    may be a bucket prefix: the files are made in a private local folder, then each is
    uploaded to `<prefix>/<audience>/<audience>.duckdb` (its earlier versions deleted)."""
    dossier = stockage.emplacement(dossier)
    if isinstance(dossier, stockage.Objet):
        stockage.verifier_acces(dossier)
        with tempfile.TemporaryDirectory(prefix="bestmarket-publication-") as local:
            ecrits = publier(entrepot, Path(local), choix)
            s3 = stockage.client()
            for audience, chemin in ecrits.items():
                distant = objet_audience(dossier, audience)
                stockage.remplacer(chemin, distant, s3)
                if fichier_pages(chemin).is_file():  # its pages, in the same prefix
                    stockage.remplacer(fichier_pages(chemin), fichier_pages(distant), s3)
                else:
                    stockage.supprimer(fichier_pages(distant), s3)
        return {audience: objet_audience(dossier, audience) for audience in ecrits}
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
    with verrou(entrepot, "publication"):
        for reste in dossier.glob(".publication-*"):  # what a killed publication left
            shutil.rmtree(reste, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix=".publication-", dir=dossier) as prive:
            ecrits = _publier(entrepot, dossier, choix, cles, Path(prive))
    return ecrits


def _publier(entrepot: Path, dossier: Path, choix: list[str], cles: dict[str, str],
             prive: Path) -> dict[str, Path]:
    """Each audience's DuckDB file is written in the private folder `prive` (0700), then
    encrypted as a whole beside its target and renamed over it."""
    from retailinsight import rapport  # plotly: imported only when publishing

    ecrits = {}
    # The report's pages, written once from the same warehouse; each audience gets its part
    # (none from a warehouse built without the report's models).
    pages = prive / "pages"
    try:
        modeles = rapport.lire_modeles(entrepot)
    except duckdb.CatalogException:
        pages = None
    else:
        pages.mkdir()
        (pages / "rapport_nps.html").write_text(rapport.construire(modeles), encoding="utf-8")
        rapport.ecrire_pages(modeles, pages)
    with duckdb.connect() as base:
        base.execute(f"load {litteral(chemin_extension('duckdb_extension_httpfs', 'httpfs'))}")
        base.execute(f"attach {litteral(entrepot)} as src (read_only)")
        tables = tables_entrepot(base)
        for audience in choix:
            cible = dossier / f"{audience}.duckdb"
            interne = prive / cible.name
            provisoire = cible.with_name(cible.name + ".en-cours")
            provisoire.unlink(missing_ok=True)
            base.execute(f"attach {litteral(interne)} as dst "
                         f"(encryption_key {litteral(cles[audience])})")
            for table, requete in contenu_audience(audience, tables).items():
                schema = table.split(".")[0]
                base.execute(f"create schema if not exists dst.{schema}")
                base.execute(f"create table dst.{table} as {requete}")
            base.execute("detach dst")
            chiffrer_fichier(interne, provisoire, cle_fichier(cles[audience]))
            interne.unlink()
            os.replace(provisoire, cible)
            ecrits[audience] = cible
            if pages:
                _publier_pages(pages, audience, prive, dossier, cles[audience])
            else:
                fichier_pages(cible).unlink(missing_ok=True)
    return ecrits


def fichier_pages(fichier):
    """The pages' file beside an audience's DuckDB file (a path, or an object of a bucket)."""
    nom = fichier.name.removesuffix(".duckdb") + ".pages.zip"
    return fichier.parent / nom if isinstance(fichier, stockage.Objet) else fichier.with_name(nom)


def _publier_pages(pages: Path, audience: str, prive: Path, dossier: Path, cle: str) -> None:
    """The audience's pages zipped in `prive`, then encrypted as the DuckDB file is."""
    if audience.startswith("departement_"):
        fichiers = sorted((pages / audience).rglob("*"))
    else:
        fichiers = sorted(pages.rglob("*"))
    archive = prive / f"{audience}.pages.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_:
        for fichier in fichiers:
            if fichier.is_file():
                zip_.write(fichier, fichier.relative_to(pages))
    cible = fichier_pages(dossier / f"{audience}.duckdb")
    provisoire = cible.with_name(cible.name + ".en-cours")
    provisoire.unlink(missing_ok=True)
    chiffrer_fichier(archive, provisoire, cle_fichier(cle))
    archive.unlink()
    os.replace(provisoire, cible)


def main_ouvrir(argv) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m retailinsight.publication ouvrir",
        description="decrypt a published audience file into a DuckDB file (still encrypted "
                    "with DuckDB's encryption under the same key)")
    parser.add_argument("fichier", type=Path)
    parser.add_argument("--vers", type=Path, required=True,
                        help="the new file (DuckDB, or a zip for a .pages.zip)")
    parser.add_argument("--audience", choices=audiences(),
                        help="whose key to use (default: the file's name)")
    args = parser.parse_args(argv)
    audience = args.audience or args.fichier.name.removesuffix(".duckdb").removesuffix(".pages.zip")
    cle = os.environ.get(variable_cle(audience)) if audience in audiences() else None
    if not cle:
        print(f"error: set the key of {audience} in {variable_cle(audience)}", file=sys.stderr)
        return 1
    try:
        ouvrir(args.fichier, args.vers, cle)
    except (FichierIllisible, FileExistsError, FileNotFoundError) as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 1
    if args.fichier.name.endswith(".pages.zip"):
        print(f"{args.vers}: unzip it, then open index.html or rapport_nps.html in a browser")
    else:
        print(f"{args.vers}: ATTACH '{args.vers}' AS f (ENCRYPTION_KEY '<your key>', READ_ONLY)")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["ouvrir"]:
        return main_ouvrir(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepot", type=Path, default=chemin_entrepot())
    parser.add_argument("--dossier", type=stockage.emplacement,
                        default=stockage.emplacement(reglages.PUBLICATION.texte()))
    parser.add_argument("--audience", action="append", choices=audiences(),
                        help="publish only this audience (repeatable; default: all)")
    args = parser.parse_args(argv)
    try:
        for audience, chemin in publier(args.entrepot, args.dossier, args.audience).items():
            print(f"{audience}: {chemin}")
    except VerrouPris as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return CODE_VERROU_PRIS
    except (CleManquante, stockage.StockageInaccessible) as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
