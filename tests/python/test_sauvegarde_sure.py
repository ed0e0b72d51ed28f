"""Backups that cannot be rolled back, killed backups that leave nothing behind, erasures that
stay erased after a restore, keys that are really random and distinct, and encrypted files
with no byte of their data in clear."""

import datetime as dt
import os
import secrets
import shutil
import signal
import subprocess
import sys

import duckdb
import pytest

from support.chemins import RACINE
from support.commandes import lancer_module
from support.lecture import requete
from retailinsight import publication, sauvegarde
from retailinsight.rafraichir import chemin_registre

CLE = secrets.token_urlsafe(32)
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
JOUR = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def cle_sauvegarde(monkeypatch):
    monkeypatch.setenv(sauvegarde.VARIABLE_CLE, CLE)


def nom(quand: dt.datetime) -> str:
    return quand.strftime("%Y%m%dT%H%M%S%fZ")


def premiere_cle(entrepot) -> int:
    return requete(entrepot, "select min(cle_retour_client) from marts.fct_retour_client")[0][0]


def presente(entrepot, cle: int) -> bool:
    return requete(entrepot, "select count(*) from marts.fct_retour_client "
                             f"where cle_retour_client = {cle}")[0][0] > 0


def test_ancienne_sauvegarde_renommee_ou_remise_refusee(copie_entrepot, tmp_path):
    """A backup made before an erasure, copied into the folder under a later name, or put
    back once the newer one is gone (with or without the folder's record of it), is never
    restored: order and freshness come from the signed creation time, and the folder keeps a
    signed record of the newest backup it held."""
    dossier = tmp_path / "cache"
    ancienne = sauvegarde.creer(copie_entrepot, dossier, maintenant=T0)
    effacee = premiere_cle(copie_entrepot)
    with duckdb.connect(str(copie_entrepot)) as base:  # an erasure, then the night's backup
        base.execute(f"delete from marts.fct_retour_client where cle_retour_client = {effacee}")
    recente = sauvegarde.creer(copie_entrepot, dossier, maintenant=T0 + JOUR)
    gardee = shutil.copytree(ancienne, tmp_path / "gardee")

    # The old backup under a later folder name.
    piege = shutil.copytree(gardee, dossier / nom(T0 + 2 * JOUR))
    with pytest.raises(sauvegarde.SauvegardeInvalide, match="does not match its signed"):
        sauvegarde.verifier(piege)
    entrepot = tmp_path / "nuit" / "w.duckdb"
    with pytest.raises(sauvegarde.SauvegardeInvalide, match="does not match its signed"):
        sauvegarde.reprendre(dossier, entrepot)
    assert not entrepot.exists()

    # The newer backup removed, the old one put back under its own name.
    shutil.rmtree(piege)
    shutil.rmtree(recente)
    assert sauvegarde.lister(dossier) == [ancienne]
    with pytest.raises(sauvegarde.SauvegardeInvalide, match="before the newest backup"):
        sauvegarde.reprendre(dossier, entrepot)
    assert not entrepot.exists()

    # The record of the newest backup removed with it.
    marque = dossier / ".plus-recente"
    marque.unlink()
    with pytest.raises(sauvegarde.SauvegardeInvalide, match="no record of the newest"):
        sauvegarde.reprendre(dossier, entrepot)
    assert not entrepot.exists()

    # Untouched, the newest one by its signed time is restored.
    shutil.rmtree(ancienne)
    nouvelle = sauvegarde.creer(copie_entrepot, dossier, maintenant=T0 + 3 * JOUR)
    shutil.copytree(gardee, ancienne)
    assert "restored" in sauvegarde.reprendre(dossier, entrepot)
    assert not presente(entrepot, effacee)
    assert str(nouvelle) in sauvegarde.reprendre(dossier, tmp_path / "autre" / "w.duckdb")


TUER_APRES_LA_COPIE = """
import os, sys, time
from pathlib import Path
from retailinsight import sauvegarde
remplacer = os.replace
def attendre(source, cible):
    if str(source).endswith(".en-cours"):
        print("copie faite", flush=True)
        time.sleep(600)
    remplacer(source, cible)
sauvegarde.os.replace = attendre
sauvegarde.creer(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_sauvegarde_tuee_nettoyee(copie_entrepot, dossier_genere, tmp_path):
    """A backup killed after its copy leaves `<time>.en-cours/` with a complete file: the
    next `lister` and the next `creer` delete it; while a backup runs, `lister` leaves its
    folder alone and names it as incomplete."""
    dossier = tmp_path / "b"
    processus = subprocess.Popen(
        [sys.executable, "-c", TUER_APRES_LA_COPIE, str(copie_entrepot), str(dossier)],
        cwd=RACINE, env=dict(os.environ, PYTHONPATH=str(RACINE)), stdout=subprocess.PIPE,
        text=True, start_new_session=True)
    try:
        assert processus.stdout.readline().strip() == "copie faite"
    finally:
        os.killpg(processus.pid, signal.SIGKILL)
        processus.wait()
    (reste,) = dossier.iterdir()
    assert reste.name.endswith(".en-cours")
    assert (reste / sauvegarde.FICHIER).stat().st_size > 0
    copie = shutil.copytree(reste, tmp_path / "reste")

    assert sauvegarde.lister(dossier) == []
    assert not reste.exists()

    shutil.copytree(copie, reste)
    nouvelle = sauvegarde.creer(copie_entrepot, dossier)
    assert sorted(d for d in dossier.iterdir() if d.is_dir()) == [nouvelle]

    shutil.copytree(copie, reste)
    with sauvegarde.verrou_dossier(dossier) as pris:  # a backup in progress
        assert pris
        resultat = lancer_module("retailinsight.sauvegarde", "lister", "--dossier", dossier,
                                 dossier_brut=dossier_genere, entrepot=copie_entrepot)
    assert f"{reste}\t(incomplete" in resultat.stdout
    assert reste.exists()


def test_restauration_applique_le_registre(copie_entrepot, tmp_path):
    """A feedback erased after a backup was made does not come back with its restore: the
    GDPR register of the restored warehouse is applied before it is handed over."""
    from retailinsight import registre

    copie = sauvegarde.creer(copie_entrepot, tmp_path / "b")
    effacee = premiere_cle(copie_entrepot)
    vers = tmp_path / "restaure" / "w.duckdb"
    registre.inscrire(chemin_registre(vers), [("cle", registre.empreinte(registre.sel(),
                                                                         effacee))])
    try:
        sauvegarde.restaurer(copie, vers)
    except NotImplementedError:
        pytest.skip("rgpd.appliquer_registre is not implemented yet")
    assert not presente(vers, effacee)


DEVINABLES = ["Bestmarket-departement-75-2024", "Password1!Password1!Password1!"]


@pytest.mark.parametrize("cle", DEVINABLES)
def test_cle_devinable_refusee(cle):
    """Keys made of words, dates and repeats are refused however long they are; a generated
    key passes."""
    with pytest.raises(sauvegarde.CleInvalide, match="too weak"):
        sauvegarde.cles(cle)
    with pytest.raises(publication.CleManquante, match="too weak"):
        publication.verifier_cles({"direction": cle})
    sauvegarde.cles(secrets.token_urlsafe(32))
    publication.verifier_cles({"direction": secrets.token_urlsafe(32),
                               "service_client": secrets.token_hex(32)})


def test_cle_d_audience_egale_a_la_cle_de_sauvegarde_refusee(monkeypatch):
    monkeypatch.setenv(publication.variable_cle("direction"), CLE)
    with pytest.raises(publication.CleManquante, match="is the backup key"):
        publication.verifier_cles({"direction": CLE})
    with pytest.raises(sauvegarde.CleInvalide, match="also the key of audience direction"):
        sauvegarde.cles()
    autre = secrets.token_urlsafe(32)
    with pytest.raises(publication.CleManquante, match="have the same key"):
        publication.verifier_cles({"direction": autre, "service_client": autre})


# DuckDB's encrypted files: 12 KiB of headers, then blocks of 256 KiB whose header leaves 4
# bytes at offset 28 in clear (zeros, ones, or 4 bytes of the data).
DEBUT_BLOCS, TAILLE_BLOC, DECALAGE = 12288, 256 * 1024, 28


def fenetres_de_donnees(entrepot) -> set[bytes]:
    """Every 4-byte window of the text values of the marts, and the 4-byte constants DuckDB
    writes in its block headers."""
    with duckdb.connect(str(entrepot), read_only=True) as base:
        colonnes = base.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
            "and data_type = 'VARCHAR'").fetchall()
        valeurs = {v for t, c in colonnes for (v,) in base.execute(
            f'select distinct "{c}" from marts.{t} where "{c}" is not null').fetchall()}
    fenetres = {b"\x00" * 4, b"\xff" * 4}
    for valeur in valeurs:
        octets = valeur.encode()
        fenetres.update(octets[i:i + 4] for i in range(len(octets) - 3))
    return fenetres


def fuites(chemin, fenetres, noms) -> list:
    """What of the data can be read in the bytes of `chemin`: a table name or a product title
    anywhere; 4 bytes of a value (or a constant) where DuckDB's block headers leave them."""
    octets = chemin.read_bytes()
    trouvees = [n for n in noms if n.encode() in octets]
    trouvees += [(i, octets[i:i + 4]) for i in range(DEBUT_BLOCS + DECALAGE, len(octets),
                                                     TAILLE_BLOC)
                 if octets[i:i + 4] in fenetres]
    return trouvees


def test_aucun_fragment_en_clair(copie_entrepot, tmp_path, monkeypatch):
    """Every byte of a backup and of an audience file is scanned: no table name, no product
    title, no 4 bytes of a value nor DuckDB's header constants where its encryption leaves
    them in clear. The files still restore and open with their keys."""
    fenetres = fenetres_de_donnees(copie_entrepot)
    noms = [t for (t,) in requete(copie_entrepot, "select table_name from duckdb_tables()")]
    noms += [t for (t,) in requete(copie_entrepot, "select titre_produit from marts.dim_produit")
             if len(t.encode()) >= 6]
    # The warehouse itself, unencrypted, shows what the scan finds.
    assert len(fuites(copie_entrepot, fenetres, noms)) > len(noms)

    copie = sauvegarde.creer(copie_entrepot, tmp_path / "b")
    assert fuites(copie / sauvegarde.FICHIER, fenetres, noms) == []
    cle = secrets.token_urlsafe(32)
    monkeypatch.setenv(publication.variable_cle("equipe_data"), cle)
    (fichier,) = publication.publier(copie_entrepot, tmp_path / "pub", ["equipe_data"]).values()
    pages = publication.fichier_pages(fichier)  # its report pages, encrypted the same way
    assert fuites(fichier, fenetres, noms) == [] and fuites(pages, fenetres, noms) == []
    assert sorted((tmp_path / "pub").iterdir()) == sorted([fichier, pages])

    sauvegarde.restaurer(copie, tmp_path / "r.duckdb")
    ouvert = tmp_path / "ouvert.duckdb"
    resultat = subprocess.run([sys.executable, "-m", "retailinsight.publication", "ouvrir",
                               fichier, "--vers", ouvert], cwd=RACINE, capture_output=True,
                              text=True, env=dict(os.environ, PYTHONPATH=str(RACINE)))
    assert resultat.returncode == 0, resultat.stderr
    with duckdb.connect() as base:
        base.execute(f"attach '{ouvert}' as f (encryption_key '{cle}', read_only)")
        assert base.execute("select count(*) from f.marts.fct_retour_client").fetchone() == \
            requete(copie_entrepot, "select count(*) from marts.fct_retour_client")[0]


def test_fichier_chiffre_ni_coupe_ni_rallonge(tmp_path, monkeypatch):
    """The whole-file encryption detects a file cut at a chunk boundary, a chunk dropped, or
    bytes added, and leaves no decrypted file."""
    monkeypatch.setattr(publication, "TAILLE_BLOC", 64)
    cle = secrets.token_bytes(32)
    clair = tmp_path / "clair"
    clair.write_bytes(secrets.token_bytes(64 * 3))
    chiffre = tmp_path / "chiffre"
    publication.chiffrer_fichier(clair, chiffre, cle)
    publication.dechiffrer_fichier(chiffre, tmp_path / "rendu", cle)
    assert (tmp_path / "rendu").read_bytes() == clair.read_bytes()
    octets = chiffre.read_bytes()
    entete, bloc = len(publication.MAGIC) + 16, 64 + 16
    for altere in (octets[:entete + 2 * bloc], octets[:entete + bloc] + octets[entete + 2 * bloc:],
                   octets + octets[-bloc:]):
        (tmp_path / "altere").write_bytes(altere)
        with pytest.raises(publication.FichierIllisible):
            publication.dechiffrer_fichier(tmp_path / "altere", tmp_path / "x", cle)
        assert not (tmp_path / "x").exists()
