"""Encrypted, signed, timestamped backups of the warehouse, and their restore.

    python -m retailinsight.sauvegarde creer     [--entrepot W] [--dossier backups] [--garder 7]
    python -m retailinsight.sauvegarde verifier  BACKUP
    python -m retailinsight.sauvegarde restaurer BACKUP --vers NOUVEL_ENTREPOT
    python -m retailinsight.sauvegarde lister    [--dossier backups]
    python -m retailinsight.sauvegarde reprendre [--dossier backups] [--entrepot W]

Every command but `lister` needs the key `BESTMARKET_CLE_SAUVEGARDE`, from the environment
only (a generated key: at least 128 bits as zxcvbn estimates them, and no audience's key;
never stored beside the backups). Distinct subkeys are derived from it by HMAC-SHA256: one for
DuckDB's encryption, one for the whole-file encryption, one signs.

`creer` takes the warehouse lock (no refresh runs meanwhile) and the backup folder's, attaches
the warehouse read-only and copies every table into a DuckDB file encrypted with DuckDB's
database encryption (AES GCM), then encrypts that file as a whole with AES-256-GCM
(`publication.chiffrer_fichier`: DuckDB leaves 4 bytes of each block header in clear) into
`<dossier>/<UTC time>/sauvegarde.duckdb`; then writes `manifest.json` with the signed creation
time, every table's row count, the file's SHA-256 and an HMAC signature over the whole
manifest. Folders are created 0700, files 0600. It first deletes what killed backups left
(`<time>.en-cours/`, which may hold a complete file), and last keeps the `--garder` most
recent valid backups by their signed time. `lister` deletes those leftovers too, unless a
backup is running, and names what remains as incomplete.

`verifier` refuses a backup whose folder name is not its signed creation time (an older
backup renamed as a newer one). `restaurer` executes no SQL text read from the backup folder.
It refuses, before writing anything, a backup whose folder holds other files than these two,
whose manifest signature does not match (edited, or another key), or whose file does not match
its checksum or does not decrypt. Then it decrypts the file into a private temporary folder,
attaches it read-only, checks that it holds exactly the manifest's tables and nothing else (no
view, macro, sequence or type), and copies them, with DuckDB's file access disabled, into a
new warehouse file (never over an existing one) under a temporary name, renamed only once the
row counts match the manifest; then applies the GDPR register (`rgpd.appliquer_registre`), so
that rows erased since the backup was made never come back: a failed restore leaves no
warehouse.

`reprendre` restores the newest backup, by signed creation time, as the warehouse when there
is none yet: the nightly job keeps its incremental state between runs as an encrypted backup
in its cache, never as a plain warehouse file. Every backup of the folder must verify, and it
refuses one older than the newest the folder has held, recorded (signed) in
`<dossier>/.plus-recente` by `creer` and `reprendre` (and refuses a folder that lost it).

`--dossier` (and a backup's path) may be an `s3://bucket/prefix` URL (`retailinsight.stockage`):
the prefix's objects are copied into a private local folder (`miroir`), where every command
runs exactly as on disk (same verification, rollback refusal and rotation); then what it
added is uploaded, each new object refusing to overwrite one (If-None-Match), a backup's file
before its manifest, the high-water mark last and only over the version read (If-Match), and
what it deleted is deleted from the bucket, every version of it. A backup that cannot be
written to the bucket exits 1 saying so; the warehouse is left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from retailinsight import reglages, stockage
from retailinsight.dbt_plugin import chemin_extension
from retailinsight.entrepot import comptes_lignes as comptes_tables
from retailinsight.erreurs import CODE_VERROU_PRIS, OperationRefusee, VerrouPris
from retailinsight.fichiers import NE_PAS_SUIVRE
from retailinsight.publication import (BITS_MINIMUM, GENERER_CLE, FichierIllisible,
                                       bits_estimes, chiffrer_fichier, cles_audiences,
                                       dechiffrer_fichier)
from retailinsight.reglages import chemin_entrepot, chemin_registre
from retailinsight.sql import litteral
from retailinsight.verrou import verrou

VARIABLE_CLE = reglages.CLE_SAUVEGARDE.variable
# 1: EXPORT DATABASE (schema.sql + Parquet) with an unsigned manifest; 2: the DuckDB-encrypted
# file alone (DuckDB leaves 4 bytes of each block header in clear); 3: that file encrypted as
# a whole (AES-256-GCM, `publication.chiffrer_fichier`).
FORMAT = 3
FICHIER = "sauvegarde.duckdb"
MANIFESTE = "manifest.json"
EN_COURS = ".en-cours"
FORMAT_NOM = "%Y%m%dT%H%M%S%fZ"


class SauvegardeInvalide(RuntimeError):
    """A backup is incomplete, altered, injected or does not match its signed manifest."""


class CleInvalide(RuntimeError):
    """The backup key is missing or too weak."""


@dataclass(frozen=True)
class Cles:
    """The subkeys derived from the backup key; `identifiant` names the key in the manifest
    (a one-way derivation, so that a wrong key is told apart from an edited manifest)."""
    chiffrement: str
    signature: bytes
    identifiant: str
    fichier: bytes


def cles(cle: str | None = None) -> Cles:
    """Subkeys of `cle` (default: the environment's `BESTMARKET_CLE_SAUVEGARDE`); refuse a
    missing key, one under BITS_MINIMUM bits of estimated entropy (zxcvbn), or one that is
    also an audience's key (`BESTMARKET_CLE_<AUDIENCE>`)."""
    cle = os.environ.get(VARIABLE_CLE) if cle is None else cle
    if not cle:
        raise CleInvalide(f"no backup key: set {VARIABLE_CLE}; generate one with {GENERER_CLE} "
                          "and keep it apart from the backups (nothing was written)")
    if bits_estimes(cle) < BITS_MINIMUM:
        raise CleInvalide(f"the backup key ({VARIABLE_CLE}) is too weak: at least "
                          f"{BITS_MINIMUM} bits of entropy are required; generate one with "
                          f"{GENERER_CLE} (nothing was written)")
    for audience, cle_audience in cles_audiences().items():
        if cle_audience == cle:
            raise CleInvalide(f"the backup key ({VARIABLE_CLE}) is also the key of audience "
                              f"{audience}: the backup key must be its own; generate one with "
                              f"{GENERER_CLE} (nothing was written)")

    def derivee(usage: str) -> hmac.HMAC:
        return hmac.new(cle.encode(), usage.encode(), hashlib.sha256)

    return Cles(chiffrement=derivee("chiffrement").hexdigest(),
                signature=derivee("signature").digest(),
                identifiant=derivee("identifiant").hexdigest()[:16],
                fichier=derivee("fichier").digest())


def signer(manifeste: dict, cle_signature: bytes) -> str:
    """HMAC-SHA256 of the manifest without its `signature` entry, in a canonical form."""
    contenu = {k: v for k, v in manifeste.items() if k != "signature"}
    texte = json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(cle_signature, texte.encode(), hashlib.sha256).hexdigest()


def _sha256(chemin: Path) -> str:
    empreinte = hashlib.sha256()
    with open(chemin, "rb") as fichier:
        for bloc in iter(lambda: fichier.read(1 << 20), b""):
            empreinte.update(bloc)
    return empreinte.hexdigest()


def objets_hors_tables(base: duckdb.DuckDBPyConnection, catalogue: str) -> list[str]:
    """Views, macros, sequences, types and indexes of `catalogue`: objects that hold SQL text
    or expressions. A backup holds tables only (dbt recreates the rest)."""
    requetes = {
        "view": "select schema_name, view_name from duckdb_views() "
                "where database_name = ? and not internal",
        "macro": "select schema_name, function_name from duckdb_functions() "
                 "where database_name = ? and not internal",
        "sequence": "select schema_name, sequence_name from duckdb_sequences() "
                    "where database_name = ?",
        "type": "select schema_name, type_name from duckdb_types() "
                "where database_name = ? and not internal",
        "index": "select schema_name, index_name from duckdb_indexes() where database_name = ?",
    }
    return [f"{genre} {s}.{n}" for genre, sql in requetes.items()
            for s, n in base.execute(sql, [catalogue]).fetchall()]


@contextmanager
def prive():
    """Files and folders created meanwhile (DuckDB's included) are for their owner only."""
    ancien = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(ancien)


def copier_chiffre(entrepot: Path, fichier: Path, cle_chiffrement: str) -> dict[str, int]:
    """Copy every table of `entrepot` (attached read-only) into the new encrypted DuckDB file
    `fichier`, in one transaction; return the row counts, checked on both sides."""
    with duckdb.connect() as base:
        # DuckDB spills beside the file it writes, in the backup's private folder.
        base.execute(f"set temp_directory = {litteral(fichier.with_name('.tmp'))}")
        base.execute(f"load {litteral(chemin_extension('duckdb_extension_httpfs', 'httpfs'))}")
        base.execute(f"attach {litteral(entrepot)} as entrepot (read_only)")
        autres = objets_hors_tables(base, "entrepot")
        if autres:
            raise SauvegardeInvalide(f"{entrepot} holds objects a backup does not keep "
                                     f"({', '.join(autres)}): backups hold tables only "
                                     "(nothing was written)")
        base.execute(f"attach {litteral(fichier)} as sauvegarde "
                     f"(encryption_key {litteral(cle_chiffrement)})")
        base.execute("begin")
        comptes = comptes_tables(base, "entrepot")
        base.execute("copy from database entrepot to sauvegarde")
        base.execute("commit")
        copies = comptes_tables(base, "sauvegarde")
        base.execute("detach sauvegarde")
    shutil.rmtree(fichier.with_name(".tmp"), ignore_errors=True)
    if copies != comptes:
        raise SauvegardeInvalide(f"backup of {entrepot}: row counts of the copy differ from "
                                 "the warehouse (nothing was written)")
    return comptes


def nom_sauvegarde(cree_le: dt.datetime) -> str:
    """The folder name of a backup made at `cree_le`: its UTC time, to the microsecond."""
    return cree_le.astimezone(dt.timezone.utc).strftime(FORMAT_NOM)


@contextmanager
def verrou_dossier(dossier: Path):
    """Try to lock the backup folder; yield whether the lock was taken. `creer` holds it from
    its first write to its rename, so that whoever takes it knows that every `.en-cours`
    folder there is a killed backup's. On POSIX: flock on the folder itself, so no file is
    added to it; elsewhere (no folder can be opened as a file): `filelock` on `.verrou` in it."""
    if os.name != "posix":
        from filelock import FileLock, Timeout

        verrou_fichier = FileLock(dossier / ".verrou", blocking=False, thread_local=False)
        try:
            verrou_fichier.acquire()
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            verrou_fichier.release()
        return
    import fcntl  # POSIX only, hence imported here

    descripteur = os.open(dossier, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(descripteur, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descripteur)  # releases the lock


def interrompues(dossier: Path) -> list[Path]:
    """The `.en-cours` folders of `dossier`: backups in progress or killed (a killed one may
    hold a complete file: the rows of its day, erased ones included)."""
    if not dossier.is_dir():
        return []
    return sorted(d for d in dossier.iterdir() if d.name.endswith(EN_COURS))


def _supprimer_interrompues(dossier: Path) -> None:
    """Delete the killed backups' `.en-cours` folders; the caller holds the folder's lock."""
    for reste in interrompues(dossier):
        if reste.is_dir() and not reste.is_symlink():
            shutil.rmtree(reste, ignore_errors=True)
        else:
            reste.unlink(missing_ok=True)


def nettoyer(dossier: Path) -> list[Path]:
    """Delete the folders that killed backups left in `dossier`, unless a backup is being made
    there now; return the `.en-cours` folders still present (in progress, or not removable)."""
    if not dossier.is_dir():
        return []
    with verrou_dossier(dossier) as libre:
        if libre:
            _supprimer_interrompues(dossier)
    return interrompues(dossier)


def creer(entrepot: Path, dossier, garder: int | None = None, maintenant: dt.datetime | None = None,
          cle: str | None = None):
    """Write an encrypted, signed backup of `entrepot` into a new timestamped folder of
    `dossier` (a folder, or a bucket prefix); return it. `cle` defaults to the environment's
    BESTMARKET_CLE_SAUVEGARDE."""
    dossier = stockage.emplacement(dossier)
    if isinstance(dossier, stockage.Objet):
        cles(cle)
        if not entrepot.is_file():
            raise FileNotFoundError(f"warehouse not found: {entrepot}")
        with miroir(dossier) as local:
            cible = creer(entrepot, local, garder, maintenant, cle)
        return dossier / cible.name
    sous_cles = cles(cle)
    garder = reglages.GARDER_SAUVEGARDES.entier() if garder is None else garder
    if not entrepot.is_file():
        raise FileNotFoundError(f"warehouse not found: {entrepot}")
    maintenant = maintenant or dt.datetime.now(dt.timezone.utc)
    cible = dossier / nom_sauvegarde(maintenant)
    provisoire = cible.with_name(cible.name + EN_COURS)
    if not dossier.is_dir():
        dossier.mkdir(parents=True, exist_ok=True)
        os.chmod(dossier, 0o700)
    with verrou(entrepot, "backup"), verrou_dossier(dossier) as libre:
        if not libre:
            raise VerrouPris(f"backup folder {dossier} is in use by another backup; nothing "
                             "was written: try again when it has finished")
        _supprimer_interrompues(dossier)  # what killed backups left, complete files included
        try:
            with prive():
                provisoire.mkdir()
                # A DuckDB-encrypted file first, then encrypted as a whole: only the latter
                # stays (DuckDB's encryption leaves bytes of the data in its block headers).
                interne = provisoire / ".interne.duckdb"
                comptes = copier_chiffre(entrepot, interne, sous_cles.chiffrement)
                chiffrer_fichier(interne, provisoire / FICHIER, sous_cles.fichier)
                interne.unlink()
                if os.listdir(provisoire) != [FICHIER]:
                    raise SauvegardeInvalide(f"backup of {entrepot}: DuckDB left other files "
                                             f"than {FICHIER}: {sorted(os.listdir(provisoire))}")
                manifeste = {
                    "format": FORMAT,
                    "cree_le": maintenant.astimezone(dt.timezone.utc).isoformat(),
                    "entrepot": str(entrepot),
                    "duckdb": duckdb.__version__,
                    "cle": sous_cles.identifiant,
                    "tables": comptes,
                    "fichiers": {FICHIER: _sha256(provisoire / FICHIER)},
                }
                manifeste["signature"] = signer(manifeste, sous_cles.signature)
                (provisoire / MANIFESTE).write_text(
                    json.dumps(manifeste, indent=2, ensure_ascii=False))
            for chemin, mode in ((provisoire / FICHIER, 0o600), (provisoire / MANIFESTE, 0o600),
                                 (provisoire, 0o700)):
                os.chmod(chemin, mode)  # whatever the umask said: owner only
            os.replace(provisoire, cible)
        except BaseException:
            shutil.rmtree(provisoire, ignore_errors=True)
            raise
        noter_plus_recente(dossier, maintenant, sous_cles)
        rotation(dossier, garder, cle, _verrouille=True)
    return cible


def _cree_le_annonce(sauvegarde: Path) -> str:
    """The creation time a backup's manifest claims, unchecked (its name if none): to order a
    listing; `verifier` checks it against the signature and the folder name."""
    try:
        manifeste = json.loads((sauvegarde / MANIFESTE).read_text())
        return nom_sauvegarde(dt.datetime.fromisoformat(manifeste["cree_le"]))
    except (OSError, ValueError, KeyError, TypeError):
        return sauvegarde.name


def lister(dossier: Path) -> list[Path]:
    """Complete backups of `dossier` (older formats included), oldest first by the creation
    time their manifest claims; folders left by killed backups are deleted first (unless a
    backup is being made there now; `interrompues` lists what remains)."""
    if not dossier.is_dir():
        return []
    nettoyer(dossier)
    return lister_sans_nettoyer(dossier)


def format_sauvegarde(sauvegarde: Path) -> int | None:
    """The format a backup's manifest claims (1 for the older, unsigned Parquet exports), or
    None when its manifest is unreadable. Claims only: `verifier` checks them."""
    try:
        manifeste = json.loads((sauvegarde / MANIFESTE).read_text())
    except (OSError, ValueError):
        return None
    return manifeste.get("format", 1) if isinstance(manifeste, dict) else None


def rotation(dossier: Path, garder: int, cle: str | None = None,
             _verrouille: bool = False) -> list[Path]:
    """Keep the `garder` most recent valid backups by their signed creation time; delete the
    others and the older-format ones (never restored), and what killed backups left. Backups
    that do not verify (another key, altered) are left for a human to look at. Return the
    deleted ones."""
    if garder < 1:
        raise ValueError("keep at least one backup")
    if not _verrouille:
        with verrou_dossier(dossier) as libre:
            if not libre:
                return []
            return rotation(dossier, garder, cle, _verrouille=True)
    _supprimer_interrompues(dossier)
    valides, anciennes = [], []
    for sauvegarde in lister_sans_nettoyer(dossier):
        if format_sauvegarde(sauvegarde) != FORMAT:
            anciennes.append(sauvegarde)
            continue
        try:
            valides.append((signee_le(verifier(sauvegarde, cle)), sauvegarde))
        except SauvegardeInvalide:
            continue
    anciennes += [s for _, s in sorted(valides)[:-garder]]
    for ancienne in anciennes:
        shutil.rmtree(ancienne)
    return sorted(anciennes, key=lambda d: (_cree_le_annonce(d), d.name))


def lister_sans_nettoyer(dossier: Path) -> list[Path]:
    """`lister`, leaving `.en-cours` folders alone (the caller holds the folder's lock)."""
    return sorted((d for d in dossier.iterdir()
                   if d.is_dir() and not d.name.endswith(EN_COURS)
                   and (d / MANIFESTE).is_file()),
                  key=lambda d: (_cree_le_annonce(d), d.name))


def signee_le(manifeste: dict) -> dt.datetime:
    """The signed creation time of a verified manifest."""
    return dt.datetime.fromisoformat(manifeste["cree_le"])


def chemin_plus_recente(dossier: Path) -> Path:
    """The high-water mark of `dossier`: the signed creation time of the newest backup made or
    restored there, in a file of the folder itself (a CI cache holds that folder only). Every
    backup of the current format is made with it: a folder that holds one and no mark has lost
    it, and `reprendre` refuses it."""
    return dossier / ".plus-recente"


def plus_recente(dossier: Path, sous_cles: Cles) -> dt.datetime | None:
    """The high-water mark of `dossier`, checked against its signature; None if none."""
    chemin = chemin_plus_recente(dossier)
    if not chemin.exists():
        return None
    try:
        marque = json.loads(chemin.read_text())
        if hmac.compare_digest(str(marque["signature"]), signer(marque, sous_cles.signature)):
            return dt.datetime.fromisoformat(marque["cree_le"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    raise SauvegardeInvalide(f"{chemin}: the record of the newest backup is unreadable or its "
                             "signature does not match (edited, or another key): nothing "
                             "restored; delete it only if you know why")


def noter_plus_recente(dossier: Path, cree_le: dt.datetime, sous_cles: Cles) -> None:
    """Raise the high-water mark of `dossier` to `cree_le` (never lower it)."""
    try:
        vue = plus_recente(dossier, sous_cles)
    except SauvegardeInvalide:
        vue = None  # another key's mark: this key's backups start a new one
    if vue and vue >= cree_le:
        return
    marque = {"cree_le": cree_le.astimezone(dt.timezone.utc).isoformat()}
    marque["signature"] = signer(marque, sous_cles.signature)
    chemin = chemin_plus_recente(dossier)
    provisoire = chemin.with_name(chemin.name + EN_COURS)
    provisoire.unlink(missing_ok=True)
    descripteur = os.open(provisoire, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NE_PAS_SUIVRE,
                          0o600)
    with os.fdopen(descripteur, "w") as fichier:
        fichier.write(json.dumps(marque))
        fichier.flush()
        os.fsync(fichier.fileno())
    os.replace(provisoire, chemin)


def verifier(sauvegarde, cle: str | None = None) -> dict:
    """Return the manifest of `sauvegarde` after checking its signature under the backup key,
    that the folder holds exactly the manifest's files, and every file's SHA-256."""
    if stockage.est_url(sauvegarde):
        with sauvegarde_locale(sauvegarde) as local:
            return verifier(local, cle)
    sous_cles = cles(cle)
    chemin = sauvegarde / MANIFESTE
    if sauvegarde.is_symlink() or not sauvegarde.is_dir() or not chemin.is_file():
        raise SauvegardeInvalide(f"{sauvegarde}: no {MANIFESTE}, not a complete backup")
    try:
        manifeste = json.loads(chemin.read_text())
    except (UnicodeDecodeError, ValueError):
        raise SauvegardeInvalide(f"{sauvegarde}: {MANIFESTE} is not valid JSON") from None
    if not isinstance(manifeste, dict) or manifeste.get("format", 1) != FORMAT:
        raise SauvegardeInvalide(
            f"{sauvegarde}: not a backup of format {FORMAT} (an older backup is unencrypted and "
            "its manifest unsigned, or its file is encrypted by DuckDB alone: it is never "
            "restored; delete it once a new backup exists)")
    if manifeste.get("cle") != sous_cles.identifiant:
        raise SauvegardeInvalide(f"{sauvegarde}: made with another key than the one in "
                                 f"{VARIABLE_CLE} (wrong key, or the manifest was edited)")
    if not hmac.compare_digest(str(manifeste.get("signature")),
                               signer(manifeste, sous_cles.signature)):
        raise SauvegardeInvalide(f"{sauvegarde}: manifest signature does not match: the "
                                 f"manifest was edited after the backup was made")
    if sauvegarde.resolve().name != nom_sauvegarde(signee_le(manifeste)):
        raise SauvegardeInvalide(
            f"{sauvegarde}: its name does not match its signed creation time "
            f"({manifeste['cree_le']}): a backup renamed, e.g. an older one passed off as newer")
    attendus = {MANIFESTE, *manifeste["fichiers"]}
    presents = set(os.listdir(sauvegarde))
    if presents != attendus:
        raise SauvegardeInvalide(f"{sauvegarde}: files differ from the manifest "
                                 f"(missing {sorted(attendus - presents)}, "
                                 f"unexpected {sorted(presents - attendus)})")
    for nom, attendu in manifeste["fichiers"].items():
        fichier = sauvegarde / nom
        if fichier.is_symlink() or not fichier.is_file():
            raise SauvegardeInvalide(f"{sauvegarde}: {nom} is not a regular file")
        if _sha256(fichier) != attendu:
            raise SauvegardeInvalide(f"{sauvegarde}: checksum mismatch on {nom}")
    return manifeste


def restaurer(sauvegarde, vers: Path, cle: str | None = None) -> dict[str, int]:
    """Restore `sauvegarde` into the new warehouse file `vers`; return its row counts."""
    if stockage.est_url(sauvegarde):
        if vers.exists():
            raise FileExistsError(f"{vers} exists: restore into a new file, then swap it in")
        with sauvegarde_locale(sauvegarde) as local:
            return restaurer(local, vers, cle)
    sous_cles = cles(cle)
    manifeste = verifier(sauvegarde, cle)
    if vers.exists():
        raise FileExistsError(f"{vers} exists: restore into a new file, then swap it in")
    provisoire = vers.with_name(vers.name + ".en-cours")
    restes = (provisoire, provisoire.with_name(provisoire.name + ".wal"))
    temporaire = provisoire.with_name(provisoire.name + ".tmp")
    # The whole-file encryption is undone into a private folder (0700, TMPDIR), removed at the
    # end; what it holds is still encrypted by DuckDB.
    with prive(), tempfile.TemporaryDirectory(prefix="restauration-") as clair, \
            duckdb.connect() as base:
        interne = Path(clair) / FICHIER
        try:
            dechiffrer_fichier(sauvegarde / FICHIER, interne, sous_cles.fichier)
        except FichierIllisible as erreur:
            raise SauvegardeInvalide(str(erreur)) from None
        base.execute(f"set temp_directory = {litteral(temporaire)}")
        base.execute(f"attach {litteral(interne)} as sauvegarde "
                     f"(read_only, encryption_key {litteral(sous_cles.chiffrement)})")
        tables = set(comptes_tables(base, "sauvegarde"))
        autres = objets_hors_tables(base, "sauvegarde")
        if tables != set(manifeste["tables"]) or autres:
            raise SauvegardeInvalide(
                f"{sauvegarde}: the backup file holds other objects than the manifest's tables "
                f"(unexpected {[*sorted(tables - set(manifeste['tables'])), *autres]}, "
                f"missing {sorted(set(manifeste['tables']) - tables)})")
        with verrou(vers, "restore"):
            if vers.exists():
                raise FileExistsError(f"{vers} exists: restore into a new file, then swap it in")
            try:
                # What a killed restore left: its working copy, and DuckDB's spill folder.
                for reste in restes:
                    reste.unlink(missing_ok=True)
                shutil.rmtree(temporaire, ignore_errors=True)
                base.execute(f"attach {litteral(provisoire)} as restauree")
                # Nothing in the copy may reach a file: DuckDB's file access is off from here.
                base.execute("set enable_external_access = false")
                base.execute("set lock_configuration = true")
                base.execute("copy from database sauvegarde to restauree")
                comptes = comptes_tables(base, "restauree")
                base.execute("detach restauree")
                if comptes != manifeste["tables"]:
                    raise SauvegardeInvalide(
                        f"{sauvegarde}: restored row counts differ from the manifest")
                os.chmod(provisoire, 0o600)  # the warehouse holds feedback rows: owner only
                os.replace(provisoire, vers)
                restes += (vers,)  # ours now: removed if the register cannot be applied
                base.execute("detach sauvegarde")
                # Rows erased since the backup was made never come back with it.
                appliquer_registre(vers)
            except BaseException:
                base.close()  # first, so that DuckDB writes nothing more after the cleanup
                for reste in restes:
                    reste.unlink(missing_ok=True)
                raise
            finally:
                shutil.rmtree(temporaire, ignore_errors=True)
    return comptes


def appliquer_registre(entrepot: Path) -> None:
    """Delete from a restored warehouse what the GDPR register says was erased or purged
    since the backup was made (`rgpd.appliquer_registre`); nothing to do without a register."""
    if chemin_registre(entrepot).exists():
        from retailinsight import rgpd

        rgpd.appliquer_registre(entrepot)


def reprendre(dossier, entrepot: Path, cle: str | None = None) -> str:
    """Restore the newest current-format backup of `dossier` as `entrepot` if no warehouse
    exists there (a CI runner starts empty; its cache holds only encrypted backups); otherwise
    leave everything as it is. Return what was done.

    Newest by the signed creation time, every backup of the folder verified first: a backup
    that does not verify (renamed, altered, another key) stops it. It refuses a backup older
    than the newest one this folder has seen (`plus_recente`), so that an older backup cannot
    be restored in place of a newer one that was removed (a rollback, erased rows back)."""
    if entrepot.exists():
        return f"warehouse {entrepot} present: nothing restored"
    dossier = stockage.emplacement(dossier)
    if isinstance(dossier, stockage.Objet):
        with miroir(dossier) as local:
            return reprendre(local, entrepot, cle).replace(str(local), str(dossier))
    recentes = [s for s in lister(dossier) if format_sauvegarde(s) == FORMAT]
    if not recentes:
        return f"no backup in {dossier}: the refresh builds the warehouse from the exports"
    sous_cles = cles(cle)
    cree_le, choisie = max((signee_le(verifier(s, cle)), s) for s in recentes)
    vue = plus_recente(dossier, sous_cles)
    if vue is None:
        raise SauvegardeInvalide(
            f"{dossier} holds backups but no record of the newest one "
            f"({chemin_plus_recente(dossier)}, written with each backup): it was removed, "
            "perhaps to pass an older backup off as the newest; nothing restored (check the "
            "backups with `sauvegarde verifier`, restore one by hand with `restaurer`)")
    if cree_le < vue:
        raise SauvegardeInvalide(
            f"{choisie} was made {cree_le.isoformat()}, before the newest backup this folder "
            f"has held ({vue.isoformat()}, {chemin_plus_recente(dossier)}): an older backup is "
            "never restored in its place (nothing restored)")
    entrepot.parent.mkdir(parents=True, exist_ok=True)
    comptes = restaurer(choisie, entrepot, cle)
    noter_plus_recente(dossier, cree_le, sous_cles)
    return f"restored {len(comptes)} tables of {choisie} into {entrepot}"


PREFIXE_MIROIR = "bestmarket-sauvegardes-"
# Written by the local commands for their own use, never uploaded (a lock file elsewhere than
# on POSIX, killed backups' folders, DuckDB's spill folder).
JAMAIS_ENVOYES = (".verrou", EN_COURS, ".tmp")


def _ordre_envoi(cle: str) -> tuple:
    """Upload order: a backup's data file, then its manifest (a backup without manifest is
    incomplete, never listed), the high-water mark last."""
    nom = cle.rsplit("/", 1)[-1]
    return (nom == chemin_plus_recente(Path(".")).name, nom == MANIFESTE, cle)


@contextmanager
def miroir(prefixe: stockage.Objet, seulement: str | None = None):
    """Yield a private local copy (0700, TMPDIR) of the backups under the bucket's `prefixe`
    (only the backup `seulement` if given); when the block ends without error, upload what it
    added or changed and delete from the bucket what it removed. The copy is removed at the
    end, whatever happens."""
    s3 = stockage.client()
    distants = stockage.lister(prefixe, s3)
    if seulement is not None:
        distants = {c: m for c, m in distants.items() if c.split("/")[0] == seulement}
    stockage.nettoyer_orphelins(PREFIXE_MIROIR)
    racine = stockage.dossier_prive(PREFIXE_MIROIR)
    try:
        local = racine / (prefixe.name or prefixe.seau)
        with prive():
            local.mkdir()
            for cle in sorted(distants):
                chemin = local / cle
                if ".." in Path(cle).parts or cle.endswith("/"):
                    continue  # no object may name a path outside the copy
                chemin.parent.mkdir(parents=True, exist_ok=True)
                stockage.telecharger(prefixe / cle, chemin, s3)
        avant = {cle: _sha256(local / cle) for cle in distants if (local / cle).is_file()}
        yield local
        apres = {str(f.relative_to(local)): f for f in local.rglob("*") if f.is_file()
                 and not any(p.endswith(JAMAIS_ENVOYES) for p in f.relative_to(local).parts)}
        for cle in sorted(apres, key=_ordre_envoi):
            if cle in avant and avant[cle] == _sha256(apres[cle]):
                continue
            if cle in distants:
                stockage.envoyer(apres[cle], prefixe / cle, s3, si_etag=distants[cle]["ETag"])
            else:
                stockage.envoyer(apres[cle], prefixe / cle, s3, nouveau=True)
        for cle in sorted(set(distants) - set(apres), key=_ordre_envoi, reverse=True):
            stockage.supprimer(prefixe / cle, s3)
    finally:
        shutil.rmtree(racine, ignore_errors=True)


def distantes(prefixe: stockage.Objet) -> list[stockage.Objet]:
    """The backups under the bucket's `prefixe` that have a manifest (unverified: `verifier`
    checks them), oldest first by name."""
    noms = {cle.split("/")[0] for cle in stockage.lister(prefixe)
            if cle.count("/") == 1 and cle.endswith("/" + MANIFESTE)}
    return [prefixe / nom for nom in sorted(noms)]


@contextmanager
def sauvegarde_locale(sauvegarde):
    """`sauvegarde` as a local folder: itself, or a private copy of a bucket's backup."""
    sauvegarde = stockage.emplacement(sauvegarde)
    if not isinstance(sauvegarde, stockage.Objet):
        yield sauvegarde
        return
    with miroir(sauvegarde.parent, seulement=sauvegarde.name) as local:
        yield local / sauvegarde.name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commandes = parser.add_subparsers(dest="commande", required=True)
    dossier_defaut = reglages.SAUVEGARDES.texte()
    p_creer = commandes.add_parser("creer", help="write a new backup")
    p_creer.add_argument("--entrepot", type=Path, default=chemin_entrepot())
    p_creer.add_argument("--dossier", type=stockage.emplacement,
                         default=stockage.emplacement(dossier_defaut))
    p_creer.add_argument("--garder", type=int, default=reglages.GARDER_SAUVEGARDES.entier(),
                         help="number of backups kept (default "
                              f"{reglages.GARDER_SAUVEGARDES.defaut})")
    p_verifier = commandes.add_parser("verifier", help="check a backup without restoring it")
    p_verifier.add_argument("sauvegarde", type=stockage.emplacement)
    p_restaurer = commandes.add_parser("restaurer", help="restore a backup into a new file")
    p_restaurer.add_argument("sauvegarde", type=stockage.emplacement)
    p_restaurer.add_argument("--vers", type=Path, required=True)
    p_lister = commandes.add_parser("lister", help="list the backups")
    p_lister.add_argument("--dossier", type=stockage.emplacement,
                          default=stockage.emplacement(dossier_defaut))
    p_reprendre = commandes.add_parser(
        "reprendre", help="restore the latest backup of --dossier as the warehouse, when there "
        "is no warehouse yet (the nightly job's encrypted cache)")
    p_reprendre.add_argument("--dossier", type=stockage.emplacement,
                             default=stockage.emplacement(dossier_defaut))
    p_reprendre.add_argument("--entrepot", type=Path, default=chemin_entrepot())
    args = parser.parse_args(argv)
    try:
        if args.commande == "creer":
            try:
                print(creer(args.entrepot, args.dossier, args.garder))
            except stockage.StockageInaccessible as erreur:
                print(f"error: the backup was NOT written to {args.dossier}: {erreur}; the "
                      f"warehouse {args.entrepot} is unchanged (back it up again once the "
                      "bucket can be reached)", file=sys.stderr)
                return 1
        elif args.commande == "verifier":
            manifeste = verifier(args.sauvegarde)
            print(f"{args.sauvegarde}: valid, {len(manifeste['tables'])} tables, "
                  f"made {manifeste['cree_le']}")
        elif args.commande == "restaurer":
            comptes = restaurer(args.sauvegarde, args.vers)
            print(f"restored {len(comptes)} tables into {args.vers}")
        elif args.commande == "reprendre":
            print(reprendre(args.dossier, args.entrepot))
        elif isinstance(args.dossier, stockage.Objet):
            for sauvegarde in distantes(args.dossier):
                print(sauvegarde)
        else:
            for sauvegarde in lister(args.dossier):
                if format_sauvegarde(sauvegarde) == FORMAT:
                    print(sauvegarde)
                else:
                    print(f"{sauvegarde}\t(older format: never restored; delete it)")
            for reste in interrompues(args.dossier):
                print(f"{reste}\t(incomplete: an interrupted backup, in progress or not "
                      "removable; it may hold the rows of its day: delete it)")
    except VerrouPris as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return CODE_VERROU_PRIS
    except (SauvegardeInvalide, CleInvalide, OperationRefusee, FileExistsError,
            FileNotFoundError, stockage.StockageInaccessible) as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
