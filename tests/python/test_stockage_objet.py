"""The nightly where the data lives: exports read from a bucket, the state kept there as
encrypted backups, audience files under their own prefixes, against a real S3-compatible
server on the loopback (moto's server mode), with real credentials checked (moto's IAM)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from support.chemins import RACINE
from support.analyse_dbt import amorcer_analyse
from support.commandes import environnement_relatif
from support.lecture import requete, tables, tables_differentes
from retailinsight.dbt_plugin import FICHIERS_OPTIONNELS
from test_rafraichissement import CHARGEMENT, SNAPSHOT, TABLES_COMPAREES, decouper

EXPORTS, ETAT = "bestmarket-exports", "bestmarket-etat"
FICHIERS = ("Satisfaction.db", "retour_client.csv", "produit.csv", "ref_magasin.csv")
# The backup key, drawn once per pytest-xdist worker.
CLE = secrets.token_urlsafe(32)
# moto answers these first requests without checking credentials: the IAM user and its key.
REQUETES_SANS_AUTHENTIFICATION = 3


def _port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


@pytest.fixture(scope="module")
def serveur_s3():
    """moto_server on a free loopback port, with IAM authentication on: {AWS_* variables} of
    a user allowed to use S3, and two buckets (the state's versioned). Killed at teardown."""
    port = _port_libre()
    processus = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        env=dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(REQUETES_SANS_AUTHENTIFICATION)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        fin = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert processus.poll() is None and time.monotonic() < fin, "moto_server down"
                time.sleep(0.2)
        point = f"http://127.0.0.1:{port}"
        anonyme = dict(endpoint_url=point, region_name="us-east-1", aws_access_key_id="x",
                       aws_secret_access_key="x")
        iam = boto3.client("iam", **anonyme)
        iam.create_user(UserName="nuit")
        cle = iam.create_access_key(UserName="nuit")["AccessKey"]
        iam.put_user_policy(UserName="nuit", PolicyName="s3", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        variables = {"AWS_ACCESS_KEY_ID": cle["AccessKeyId"],
                     "AWS_SECRET_ACCESS_KEY": cle["SecretAccessKey"],
                     "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": point}
        s3 = _client(variables)
        for seau in (EXPORTS, ETAT):
            s3.create_bucket(Bucket=seau)
        s3.put_bucket_versioning(Bucket=ETAT, VersioningConfiguration={"Status": "Enabled"})
        yield variables
    finally:
        processus.terminate()
        try:
            processus.wait(10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait(10)
    assert processus.poll() is not None


def _client(variables: dict):
    return boto3.client("s3", endpoint_url=variables["AWS_ENDPOINT_URL"],
                        region_name=variables["AWS_REGION"],
                        aws_access_key_id=variables["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=variables["AWS_SECRET_ACCESS_KEY"])


def _deposer(variables: dict, dossier: Path, prefixe: str, sauf=()) -> str:
    """Upload a raw folder's exports under `prefixe` of the exports bucket; its URL."""
    s3 = _client(variables)
    for nom in (*FICHIERS, *FICHIERS_OPTIONNELS):
        if nom not in sauf and (dossier / nom).is_file():
            s3.upload_file(str(dossier / nom), EXPORTS, f"{prefixe}/{nom}")
    return f"s3://{EXPORTS}/{prefixe}"


def _objets(variables: dict, seau: str, prefixe: str = "") -> dict[str, str]:
    """{key: ETag} of every current object under `prefixe`."""
    pages = _client(variables).get_paginator("list_objects_v2").paginate(Bucket=seau,
                                                                           Prefix=prefixe)
    return {o["Key"]: o["ETag"] for page in pages for o in page.get("Contents", [])}


def _env(variables: dict, brut: str, entrepot: Path, tmp_path: Path, **autres) -> dict:
    """A user's environment for the nightly's commands, run from the warehouse's folder (its
    report and dbt's target there, the warehouse named by its bare name so that dbt starts
    from the run's saved parse state), their temporary files in `tmp_path / "tmp"` (checked
    empty after)."""
    temporaire = tmp_path / "tmp"
    temporaire.mkdir(exist_ok=True)
    amorcer_analyse(entrepot.parent / "target", entrepot.name)
    env = dict(environnement_relatif(Path("."), entrepot), **variables,
               BESTMARKET_RAW_DIR=brut,
               BESTMARKET_RETENTION_MOIS="1200", TMPDIR=str(temporaire),
               BESTMARKET_CLE_SAUVEGARDE=CLE, **autres)
    return env


def _lancer(env: dict, dossier: Path, *commande) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *map(str, commande)], cwd=dossier, env=env,
                          capture_output=True, text=True, timeout=900)


def _empreinte(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


def test_deux_nuits_sur_le_stockage_objet(serveur_s3, dossier_genere, entrepot_genere,
                                          tmp_path):
    """Two full nightlies (`bestmarket nightly`) with the exports in a bucket and the state in
    another: the first night builds from the exports (without the optional targets file), the
    second loads new rows (and the targets); the backup
    each writes is in the bucket (one kept); with the local warehouse deleted, the state is
    restored from the bucket and equals both the last night's warehouse and a full rebuild of
    the same exports; nothing is left in the temporary folder (the CRM's download included)."""
    limite = "2021-10-01"
    jour1 = decouper(dossier_genere, tmp_path / "jour1", lambda c, d: d < limite)
    # The first night has no targets file yet (optional: freshness and the alerts find none,
    # where a plain object name would be an HTTP 404); the business sends it for the second.
    assert not any((jour1 / nom).exists() for nom in FICHIERS_OPTIONNELS)
    etat = f"s3://{ETAT}/nuit"
    entrepot = tmp_path / "w" / "w.duckdb"
    for numero, brut in enumerate((jour1, dossier_genere), 1):
        url = _deposer(serveur_s3, brut, "crm")  # the night's complete export, replaced
        env = _env(serveur_s3, url, entrepot, tmp_path)
        nuit = _lancer(env, entrepot.parent, "retailinsight.cli", "nightly", "--backups", etat)
        assert nuit.returncode == 0, nuit.stdout[-4000:] + nuit.stderr[-3000:]
        if numero == 1:
            assert f"no backup in {etat}" in nuit.stdout
            nb_jour1 = requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0]
        else:
            assert "present: nothing restored" in nuit.stdout
    nb = requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0]
    assert 0 < nb_jour1 < nb, "the second night loaded new rows"
    assert requete(entrepot, f"select count(*) from marts.fct_retour_client "
                   f"where date_achat >= '{limite}'")[0][0] > 0
    cles = sorted(_objets(serveur_s3, ETAT, "nuit/"))
    assert len(cles) == 3 and cles[0] == "nuit/.plus-recente", cles  # one backup kept
    assert {c.rsplit("/", 1)[1] for c in cles[1:]} == {"manifest.json", "sauvegarde.duckdb"}
    assert os.listdir(tmp_path / "tmp") == []

    nuit_deux = tmp_path / "nuit2.duckdb"
    shutil.copy(entrepot, nuit_deux)
    for reste in entrepot.parent.glob("w.duckdb*"):
        reste.unlink()
    reprise = _lancer(env, entrepot.parent, "retailinsight.sauvegarde", "reprendre",
                      "--dossier", etat, "--entrepot", entrepot)
    assert reprise.returncode == 0, reprise.stderr
    assert f"tables of {etat}/" in reprise.stdout
    assert tables_differentes(entrepot, nuit_deux) == []
    reponses = [t for t in tables(entrepot_genere) if t.startswith("answers.")]
    assert len(reponses) == 19
    assert tables_differentes(entrepot, entrepot_genere, TABLES_COMPAREES + reponses,
                              exclure=CHARGEMENT) == []
    assert tables_differentes(entrepot, entrepot_genere, ["historique.snap_retour_client"],
                              exclure=SNAPSHOT) == []
    assert os.listdir(tmp_path / "tmp") == []


def test_export_manquant_et_mauvais_identifiants(serveur_s3, dossier_genere, copie_entrepot,
                                                 tmp_path):
    """A missing export is named by its object; wrong credentials are said to be refused; both
    stop the night's first step, the refresh and the backup, and change nothing: neither the
    warehouse nor the bucket."""
    incomplet = _deposer(serveur_s3, dossier_genere, "incomplet", sauf=("produit.csv",))
    complet = _deposer(serveur_s3, dossier_genere, "complet")
    etat = f"s3://{ETAT}/refus"
    avant, objets = _empreinte(copie_entrepot), _objets(serveur_s3, ETAT)
    faux = dict(serveur_s3, AWS_SECRET_ACCESS_KEY=secrets.token_urlsafe(30))
    cas = [(serveur_s3, incomplet, f"raw file missing: {incomplet}/produit.csv"),
           (faux, complet, "access refused (")]
    for variables, url, attendu in cas:
        env = _env(variables, url, copie_entrepot, tmp_path)
        nuit = _lancer(env, tmp_path, "retailinsight.nuit", "--sauvegardes", etat,
                       "--entrepot", copie_entrepot)
        assert nuit.returncode == 2 and attendu in nuit.stderr, nuit.stderr
        refresh = _lancer(env, tmp_path, "retailinsight.rafraichir", "build", "--select",
                          "stg_bestmarket_csv__produit")
        assert refresh.returncode != 0
        assert attendu in refresh.stdout + refresh.stderr, refresh.stdout[-3000:]
        assert _empreinte(copie_entrepot) == avant
    env = _env(faux, complet, copie_entrepot, tmp_path)
    sauvegarde = _lancer(env, tmp_path, "retailinsight.sauvegarde", "creer", "--dossier", etat,
                         "--entrepot", copie_entrepot)
    assert sauvegarde.returncode == 1
    assert f"the backup was NOT written to {etat}" in sauvegarde.stderr
    assert "access refused" in sauvegarde.stderr
    assert f"the warehouse {copie_entrepot} is unchanged" in sauvegarde.stderr
    assert _empreinte(copie_entrepot) == avant and _objets(serveur_s3, ETAT) == objets
    assert os.listdir(tmp_path / "tmp") == []


def test_premiere_passe_sur_l_objet(serveur_s3, dossier_genere, monkeypatch, tmp_path):
    """The plugin's first pass streams each exported object: a NUL byte is refused naming the
    object and the line, a line over the limit too, as for a file on disk."""
    from retailinsight import stockage
    from retailinsight.dbt_plugin import LONGUEUR_LIGNE_MAX, FichierBrutInvalide, encodage_csv

    for nom, valeur in serveur_s3.items():
        monkeypatch.setenv(nom, valeur)
    s3 = _client(serveur_s3)
    s3.put_object(Bucket=EXPORTS, Key="passe/nul.csv", Body=b"1;2\r\n3;\x00\r\n")
    s3.put_object(Bucket=EXPORTS, Key="passe/long.csv",
                  Body=b"1;2\r\n" * 3 + b"9;" + b"x" * (LONGUEUR_LIGNE_MAX + 10) + b"\r\n")
    s3.put_object(Bucket=EXPORTS, Key="passe/cp1252.csv", Body=b"1;Plats au b\x9cuf\r\n")
    racine = stockage.emplacement(f"s3://{EXPORTS}/passe")
    with pytest.raises(FichierBrutInvalide, match=rf"s3://{EXPORTS}/passe/nul.csv, line 2: "
                       "holds a NUL byte"):
        encodage_csv(racine / "nul.csv")
    with pytest.raises(FichierBrutInvalide, match=rf"s3://{EXPORTS}/passe/long.csv, line 4: "
                       r"over the 1,048,576 bytes .* \(starts '9;xxx"):
        encodage_csv(racine / "long.csv")
    assert encodage_csv(racine / "cp1252.csv") == "CP1252"


def test_publication_et_effacement_dans_le_seau(serveur_s3, dossier_genere, copie_entrepot,
                                                tmp_path):
    """Each audience's file and pages go to its own prefix; an erasure republishes them from
    the purged warehouse with no earlier version left in the versioned bucket, deletes (every
    version of) the files whose key is not set, and names the bucket's backups that still hold
    the row."""
    env = _env(serveur_s3, "unused", copie_entrepot, tmp_path,
               BESTMARKET_CLE_SERVICE_CLIENT=secrets.token_urlsafe(32),
               BESTMARKET_CLE_DIRECTION=secrets.token_urlsafe(32))
    publication, etat = f"s3://{ETAT}/publication", f"s3://{ETAT}/effacement"
    env["BESTMARKET_RAW_DIR"] = _deposer(serveur_s3, dossier_genere, "effacement")
    for audience in ("service_client", "direction"):
        sortie = _lancer(env, tmp_path, "retailinsight.publication", "--entrepot",
                         copie_entrepot, "--dossier", publication, "--audience", audience)
        assert sortie.returncode == 0, sortie.stderr
        assert f"{audience}: {publication}/{audience}/{audience}.duckdb" in sortie.stdout
    assert {f"publication/{a}/{a}.pages.zip" for a in ("direction", "service_client")} <= set(
        _objets(serveur_s3, ETAT, "publication/"))
    sauvegarde = _lancer(env, tmp_path, "retailinsight.sauvegarde", "creer", "--dossier", etat,
                         "--entrepot", copie_entrepot)
    assert sauvegarde.returncode == 0, sauvegarde.stderr
    cle = requete(copie_entrepot, "select min(cle_retour_client) from marts.fct_retour_client")[
        0][0]
    del env["BESTMARKET_CLE_DIRECTION"]
    effacement = _lancer(env, tmp_path, "retailinsight.rgpd", "effacer", "--cle", cle,
                         "--entrepot", copie_entrepot, "--publication", publication,
                         "--sauvegardes", etat)
    assert effacement.returncode == 0, effacement.stdout[-3000:] + effacement.stderr[-3000:]
    assert f"republished service_client: {publication}/service_client/" in effacement.stdout
    assert f"removed stale published file {publication}/direction/direction.duckdb" \
        in effacement.stdout
    assert f"warning: backup {sauvegarde.stdout.strip()} was made before" in effacement.stderr
    versions = _client(serveur_s3).list_object_versions(Bucket=ETAT, Prefix="publication/")
    restes = sorted((v["Key"], v["IsLatest"]) for v in versions.get("Versions", []))
    assert restes == [("publication/service_client/service_client.duckdb", True),
                      ("publication/service_client/service_client.pages.zip", True)], restes
    assert not versions.get("DeleteMarkers")
    # The republished file holds the purged rows only.
    fichier = tmp_path / "service_client.duckdb"
    _client(serveur_s3).download_file(ETAT, restes[0][0], str(fichier))
    ouvert = _lancer(env, tmp_path, "retailinsight.publication", "ouvrir", fichier, "--vers",
                     tmp_path / "ouvert.duckdb")
    assert ouvert.returncode == 0, ouvert.stderr
    import duckdb
    with duckdb.connect() as base:
        base.execute(f"attach '{tmp_path / 'ouvert.duckdb'}' as f (encryption_key "
                     f"'{env['BESTMARKET_CLE_SERVICE_CLIENT']}', read_only)")
        assert base.execute("select count(*) from f.marts.fct_retour_client "
                            f"where cle_retour_client = {cle}").fetchone() == (0,)


def test_retour_en_arriere_refuse_dans_le_seau(serveur_s3, dossier_genere, copie_entrepot,
                                              tmp_path):
    """The rollback refusal holds in the bucket: with the newest backup deleted from it, the
    older one is not restored in its place; with the high-water mark deleted too, neither.
    Nothing is written, in the bucket or on disk."""
    env = _env(serveur_s3, str(dossier_genere), copie_entrepot, tmp_path)
    etat = f"s3://{ETAT}/retour"
    for _ in range(2):
        creee = _lancer(env, tmp_path, "retailinsight.sauvegarde", "creer", "--dossier", etat,
                        "--entrepot", copie_entrepot, "--garder", "2")
        assert creee.returncode == 0, creee.stderr
    s3 = _client(serveur_s3)
    recente = creee.stdout.strip().removeprefix(f"s3://{ETAT}/")
    for cle in list(_objets(serveur_s3, ETAT, recente + "/")):
        s3.delete_object(Bucket=ETAT, Key=cle)
    restauree = tmp_path / "restauree" / "w.duckdb"
    for refus in ("before the newest backup this folder has held", "no record of the newest"):
        objets = _objets(serveur_s3, ETAT, "retour/")
        reprise = _lancer(env, tmp_path, "retailinsight.sauvegarde", "reprendre", "--dossier",
                          etat, "--entrepot", restauree)
        assert reprise.returncode == 1 and refus in reprise.stderr, reprise.stderr
        assert not restauree.exists() and _objets(serveur_s3, ETAT, "retour/") == objets
        s3.delete_object(Bucket=ETAT, Key="retour/.plus-recente")
    assert os.listdir(tmp_path / "tmp") == []
