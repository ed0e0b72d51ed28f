"""Object storage (S3 and its compatibles): the raw exports, the backups and the audience files
may live in a bucket, named by an `s3://bucket/prefix` URL wherever a folder is expected.

Credentials, region and endpoint come from the environment as the AWS tools read them
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, and AWS_ENDPOINT_URL
for an S3-compatible server; an `http://` endpoint is reached without TLS). Python talks to the
bucket with boto3 (listing, streaming, conditional writes, deleting every version of an
object); DuckDB reads the CSV exports and the objects' modification times with its httpfs
extension, under a secret made from the same settings (`instructions_duckdb`).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from retailinsight import reglages
from retailinsight.fichiers import NE_PAS_SUIVRE
from retailinsight.sql import litteral

SCHEMA = "s3://"


class StockageInaccessible(RuntimeError):
    """The bucket cannot be reached, or refuses the credentials or the operation."""


@dataclass(frozen=True)
class Objet:
    """An object, or a prefix ("folder"), of a bucket: `s3://seau/cle`."""
    seau: str
    cle: str = ""

    def __str__(self) -> str:
        return f"{SCHEMA}{self.seau}/{self.cle}".rstrip("/")

    def __truediv__(self, nom: str) -> "Objet":
        return Objet(self.seau, f"{self.cle}/{nom}".strip("/"))

    @property
    def name(self) -> str:
        return self.cle.rsplit("/", 1)[-1]

    @property
    def parent(self) -> "Objet":
        return Objet(self.seau, self.cle.rsplit("/", 1)[0] if "/" in self.cle else "")


def est_url(emplacement) -> bool:
    return isinstance(emplacement, Objet) or str(emplacement).startswith(SCHEMA)


def emplacement(texte) -> Path | Objet:
    """A folder (Path) or, for an `s3://bucket/prefix` URL, the bucket's prefix (Objet)."""
    if isinstance(texte, (Path, Objet)):
        return texte
    texte = str(texte)
    if not texte.startswith(SCHEMA):
        return Path(texte)
    morceaux = urlsplit(texte)
    if not morceaux.netloc:
        raise StockageInaccessible(f"{texte}: no bucket named (expected s3://bucket/prefix)")
    return Objet(morceaux.netloc, morceaux.path.strip("/"))


def _point_d_acces() -> str | None:
    return reglages.POINT_ACCES_S3.texte() or None


def client():
    """A boto3 S3 client on the environment's credentials, region and endpoint."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", endpoint_url=_point_d_acces(), region_name=reglages.REGION_S3.texte() or None,
        aws_access_key_id=reglages.CLE_ACCES_S3.texte() or None,
        aws_secret_access_key=reglages.SECRET_S3.texte() or None,
        aws_session_token=os.environ.get("AWS_SESSION_TOKEN") or None,
        config=Config(retries={"max_attempts": 3, "mode": "standard"},
                      s3={"addressing_style": "path"} if _point_d_acces() else None))


def _erreur(objet: Objet, operation: str, erreur: Exception) -> StockageInaccessible:
    """A clear error for a failed call: which object, what was refused, what to check."""
    code = getattr(erreur, "response", {}).get("Error", {}).get("Code", "") if hasattr(
        erreur, "response") else ""
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403",
                "ExpiredToken", "InvalidToken"):
        cause = (f"access refused ({code}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY "
                 "and the bucket's policy")
    elif code in ("NoSuchBucket",):
        cause = f"the bucket {objet.seau} does not exist"
    elif code:
        cause = f"{code}: {erreur}"
    else:
        cause = (f"{type(erreur).__name__}: {erreur} (check AWS_ENDPOINT_URL, AWS_REGION and "
                 "the network)")
    return StockageInaccessible(f"{operation} {objet}: {cause}")


def _appel(objet: Objet, operation: str, fonction, **arguments):
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return fonction(**arguments)
    except (ClientError, BotoCoreError) as erreur:
        raise _erreur(objet, operation, erreur) from None


def decrire(objet: Objet, s3=None) -> dict | None:
    """The object's metadata (size, modification time, ETag), or None if it does not exist;
    any other failure (credentials, network) raises StockageInaccessible."""
    from botocore.exceptions import ClientError

    s3 = s3 or client()
    try:
        return s3.head_object(Bucket=objet.seau, Key=objet.cle)
    except ClientError as erreur:
        if erreur.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise _erreur(objet, "cannot read", erreur) from None
    except Exception as erreur:  # noqa: BLE001 - network errors of every kind, named
        raise _erreur(objet, "cannot read", erreur) from None


def lire_debut(objet: Objet, octets: int, s3=None) -> bytes:
    s3 = s3 or client()
    if octets <= 0:
        return b""
    reponse = _appel(objet, "cannot read", s3.get_object, Bucket=objet.seau, Key=objet.cle,
                     Range=f"bytes=0-{octets - 1}")
    return reponse["Body"].read()


class _Flux(io.RawIOBase):
    """An object's body as a raw stream, so that io.BufferedReader can read lines from it."""

    def __init__(self, corps):
        self.corps = corps

    def readable(self) -> bool:
        return True

    def readinto(self, tampon) -> int:
        donnees = self.corps.read(len(tampon))
        tampon[:len(donnees)] = donnees
        return len(donnees)

    def close(self) -> None:
        self.corps.close()
        super().close()


def ouvrir(objet: Objet, s3=None) -> io.BufferedReader:
    """The object's bytes as a buffered binary stream, read as they come (bounded memory)."""
    s3 = s3 or client()
    reponse = _appel(objet, "cannot read", s3.get_object, Bucket=objet.seau, Key=objet.cle)
    return io.BufferedReader(_Flux(reponse["Body"]), 1 << 20)


def telecharger(objet: Objet, chemin: Path, s3=None) -> Path:
    """Download the object into the new file `chemin`, created 0600 (never over a file or a
    link); a failed download leaves no file."""
    s3 = s3 or client()
    descripteur = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NE_PAS_SUIVRE, 0o600)
    try:
        with os.fdopen(descripteur, "wb") as sortie:
            _appel(objet, "cannot download", s3.download_fileobj, Bucket=objet.seau,
                   Key=objet.cle, Fileobj=sortie)
    except BaseException:
        chemin.unlink(missing_ok=True)
        raise
    return chemin


def envoyer(chemin: Path, objet: Objet, s3=None, nouveau: bool = False,
            si_etag: str | None = None) -> str:
    """Upload the file `chemin` as `objet`; return its ETag. `nouveau`: refuse to overwrite an
    existing object (If-None-Match); `si_etag`: overwrite only the version of that ETag
    (If-Match), so that two writers cannot silently replace each other's object."""
    s3 = s3 or client()
    conditions = {}
    if nouveau:
        conditions["IfNoneMatch"] = "*"
    elif si_etag:
        conditions["IfMatch"] = si_etag
    with open(chemin, "rb") as entree:
        reponse = _appel(objet, "cannot write", s3.put_object, Bucket=objet.seau,
                         Key=objet.cle, Body=entree, **conditions)
    return reponse["ETag"]


def remplacer(chemin: Path, objet: Objet, s3=None) -> None:
    """Upload `chemin` over `objet`, then delete the object's earlier versions (a versioned
    bucket keeps them otherwise): a file republished after an erasure leaves no older copy."""
    s3 = s3 or client()
    envoyer(chemin, objet, s3)
    supprimer(objet, s3, sauf_courante=True)


def lister(prefixe: Objet, s3=None) -> dict[str, dict]:
    """{key relative to `prefixe`: metadata} of every object under the prefix."""
    s3 = s3 or client()
    debut = prefixe.cle + "/" if prefixe.cle else ""
    objets = {}
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=prefixe.seau, Prefix=debut)
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        for page in pages:
            for contenu in page.get("Contents", []):
                objets[contenu["Key"][len(debut):]] = contenu
    except (ClientError, BotoCoreError) as erreur:
        raise _erreur(prefixe, "cannot list", erreur) from None
    return objets


def supprimer(objet: Objet, s3=None, sauf_courante: bool = False) -> None:
    """Delete the object and, in a versioned bucket, every earlier version of it and its
    delete markers: what is erased from the bucket does not linger as an older version.
    `sauf_courante`: only the earlier versions go."""
    s3 = s3 or client()
    from botocore.exceptions import ClientError

    try:
        versions = s3.list_object_versions(Bucket=objet.seau, Prefix=objet.cle)
        cibles = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                  for genre in ("Versions", "DeleteMarkers") for v in versions.get(genre, [])
                  if v["Key"] == objet.cle and v.get("VersionId") not in (None, "null")
                  and not (sauf_courante and v.get("IsLatest"))]
    except ClientError:
        cibles = []  # no permission to list versions: at least the current object goes
    for cible in cibles:
        _appel(objet, "cannot delete", s3.delete_object, Bucket=objet.seau, **cible)
    if not sauf_courante:
        _appel(objet, "cannot delete", s3.delete_object, Bucket=objet.seau, Key=objet.cle)


def verifier_acces(prefixe: Objet, s3=None) -> None:
    """Raise StockageInaccessible unless the prefix can be listed (bucket, credentials)."""
    s3 = s3 or client()
    _appel(prefixe, "cannot list", s3.list_objects_v2, Bucket=prefixe.seau,
           Prefix=prefixe.cle, MaxKeys=1)


def dossier_prive(prefixe: str) -> Path:
    """A new private temporary folder (0700) named `<prefixe><pid>-…`, removed by the
    caller; `nettoyer_orphelins` removes those of processes that were killed."""
    return Path(tempfile.mkdtemp(prefix=f"{prefixe}{os.getpid()}-"))


def nettoyer_orphelins(prefixe: str) -> None:
    """Remove the `<prefixe><pid>-*` folders whose process is gone (Linux: /proc tells)."""
    if not Path("/proc/self").exists():
        return
    for dossier in Path(tempfile.gettempdir()).glob(f"{prefixe}*-*"):
        pid = dossier.name[len(prefixe):].split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(dossier, ignore_errors=True)


def instructions_duckdb() -> list[str]:
    """The statements that let DuckDB (httpfs loaded) read `s3://` URLs with the environment's
    settings: a temporary secret (never written to disk)."""
    options = ["type s3"]
    for nom, valeur in (("key_id", reglages.CLE_ACCES_S3.texte()),
                        ("secret", reglages.SECRET_S3.texte()),
                        ("session_token", os.environ.get("AWS_SESSION_TOKEN", "")),
                        ("region", reglages.REGION_S3.texte())):
        if valeur:
            options.append(f"{nom} {litteral(valeur)}")
    point = _point_d_acces()
    if point:
        morceaux = urlsplit(point if "://" in point else "https://" + point)
        options.append(f"endpoint {litteral(morceaux.netloc)}")
        options.append("url_style 'path'")
        options.append(f"use_ssl {'false' if morceaux.scheme == 'http' else 'true'}")
    return [f"create or replace temporary secret bestmarket_s3 ({', '.join(options)})"]
