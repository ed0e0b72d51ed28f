"""Backups: encrypted and private; restore gives identical tables; altered, re-hashed or
injected backups, a missing or wrong key are refused and
leave nothing; old backups are rotated."""

import datetime as dt
import hashlib
import json
import secrets
import shutil
import stat

import duckdb
import pytest

from support.commandes import lancer_module
from support.lecture import contenu_table, requete, tables, tables_differentes
from support.partage import a_son_tour
from retailinsight.dbt_plugin import chemin_extension
from retailinsight.publication import FichierIllisible, chiffrer_fichier, dechiffrer_fichier
from retailinsight.rafraichir import litteral
from retailinsight.sauvegarde import (FICHIER, MANIFESTE, VARIABLE_CLE, CleInvalide,
                                      SauvegardeInvalide, cles, creer, lister, restaurer,
                                      rotation, signer, verifier)

# A strong key, drawn once per pytest-xdist worker; it reaches the code through the environment.
CLE = secrets.token_urlsafe(32)


@pytest.fixture(autouse=True)
def cle_sauvegarde(monkeypatch):
    monkeypatch.setenv(VARIABLE_CLE, CLE)


@pytest.fixture(scope="module")
def sauvegarde_modele(entrepot_genere, tmp_path_factory):
    """One backup of the generated warehouse, made once; tests change only copies of it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(VARIABLE_CLE, CLE)
        with a_son_tour(entrepot_genere):
            return creer(entrepot_genere, tmp_path_factory.mktemp("sauvegardes") / "backups")


@pytest.fixture
def sauvegarde(sauvegarde_modele, tmp_path):
    return shutil.copytree(sauvegarde_modele, tmp_path / "backups" / sauvegarde_modele.name)


def contenu(dossier):
    return sorted(str(p.relative_to(dossier)) for p in dossier.rglob("*"))


def rehacher(sauvegarde):
    """What the auditor did: recompute every file's SHA-256 into the manifest, without the
    key (the signature is left as it was)."""
    chemin = sauvegarde / MANIFESTE
    manifeste = json.loads(chemin.read_text())
    manifeste["fichiers"] = {f.name: hashlib.sha256(f.read_bytes()).hexdigest()
                             for f in sorted(sauvegarde.iterdir()) if f.name != MANIFESTE}
    chemin.write_text(json.dumps(manifeste, indent=2))


def resigner(sauvegarde):
    """What only a key holder can do: re-hash and re-sign the manifest."""
    rehacher(sauvegarde)
    chemin = sauvegarde / MANIFESTE
    manifeste = json.loads(chemin.read_text())
    manifeste["signature"] = signer(manifeste, cles(CLE).signature)
    chemin.write_text(json.dumps(manifeste, indent=2))


def refusee(sauvegarde, tmp_path, message, erreur=SauvegardeInvalide):
    """Restore is refused with `message`, and writes nothing anywhere under tmp_path."""
    avant = contenu(tmp_path)
    with pytest.raises(erreur, match=message):
        restaurer(sauvegarde, tmp_path / "restaure" / "w.duckdb")
    assert contenu(tmp_path) == avant


def test_sauvegarde_puis_restauration_identiques(entrepot_genere, dossier_genere, tmp_path):
    resultat = lancer_module("retailinsight.sauvegarde", "creer", "--entrepot", entrepot_genere,
                             "--dossier", tmp_path / "backups", dossier_brut=dossier_genere,
                             entrepot=entrepot_genere)
    sauvegarde = tmp_path / "backups" / resultat.stdout.strip().split("/")[-1]
    manifeste = verifier(sauvegarde)
    assert manifeste["tables"]["marts.fct_retour_client"] > 0
    assert sorted(p.name for p in sauvegarde.iterdir()) == sorted([FICHIER, MANIFESTE])
    restaure = tmp_path / "restaure.duckdb"
    resultat = lancer_module("retailinsight.sauvegarde", "restaurer", sauvegarde, "--vers",
                             restaure, dossier_brut=dossier_genere, entrepot=entrepot_genere)
    assert f"restored {len(manifeste['tables'])} tables" in resultat.stdout
    assert tables(restaure) == tables(entrepot_genere)
    assert tables_differentes(restaure, entrepot_genere) == []
    contraintes = ("select schema_name, table_name, constraint_type, constraint_text "
                   "from duckdb_constraints() where database_name = current_database() "
                   "order by all")
    assert requete(restaure, contraintes) == requete(entrepot_genere, contraintes)
    assert stat.S_IMODE(restaure.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("restaure.duckdb.en-cours*"))


def test_sauvegarde_chiffree_et_privee(entrepot_genere, sauvegarde_modele, tmp_path):
    """No feedback value in clear in the backup's bytes; files 0600, folders 0700; the file
    opens neither without the key nor with another."""
    for chemin in (sauvegarde_modele / FICHIER, sauvegarde_modele / MANIFESTE):
        assert stat.S_IMODE(chemin.stat().st_mode) == 0o600, chemin
    for dossier in (sauvegarde_modele, sauvegarde_modele.parent):
        assert stat.S_IMODE(dossier.stat().st_mode) == 0o700, dossier
    titres = [t for (t,) in requete(entrepot_genere,
                                    "select titre_produit from marts.dim_produit")]
    libelles = [s for (s,) in requete(entrepot_genere, "select distinct libelle_source "
                                      "from marts.fct_retour_client")]
    clair = entrepot_genere.read_bytes()
    chiffre = (sauvegarde_modele / FICHIER).read_bytes()
    # Values of 6 bytes or more: the odds of meeting one by chance in random bytes are nil.
    for valeur in [v for v in ("fct_retour_client", *titres, *libelles) if len(v.encode()) >= 6]:
        assert valeur.encode() in clair, valeur  # the warehouse holds it in clear...
        assert valeur.encode() not in chiffre, valeur  # ...the backup does not
    with pytest.raises(duckdb.Error, match="not a valid DuckDB database file"):
        duckdb.connect(str(sauvegarde_modele / FICHIER), read_only=True)
    with pytest.raises(FichierIllisible, match="does not decrypt"):
        dechiffrer_fichier(sauvegarde_modele / FICHIER, tmp_path / "x", cles(CLE).chiffrement
                           .encode())
    assert not (tmp_path / "x").exists()


def test_sauvegarde_alteree_refusee(entrepot_genere, sauvegarde, tmp_path):
    fichier = sauvegarde / FICHIER
    octets = bytearray(fichier.read_bytes())
    octets[len(octets) // 2] ^= 0xFF
    fichier.write_bytes(bytes(octets))
    refusee(sauvegarde, tmp_path, "checksum mismatch on sauvegarde.duckdb")
    with a_son_tour(entrepot_genere):
        valide = creer(entrepot_genere, tmp_path / "b2")
        with pytest.raises(FileExistsError):
            restaurer(valide, entrepot_genere)


def test_donnees_alterees_rehachees_refusees(sauvegarde, tmp_path):
    """The auditor's second attack: altered data whose SHA-256 is re-hashed into the manifest."""
    fichier = sauvegarde / FICHIER
    octets = bytearray(fichier.read_bytes())
    octets[len(octets) // 2] ^= 0xFF
    fichier.write_bytes(bytes(octets))
    rehacher(sauvegarde)
    refusee(sauvegarde, tmp_path, "manifest signature does not match")


AUDITEUR = ("create table main.fuite as select * from read_text('/etc/hostname');\n"
            "copy main.fuite to {cible};\n")


@pytest.mark.parametrize("manifeste_rehache", [True, False])
def test_sql_injecte_refuse(sauvegarde, tmp_path, manifeste_rehache):
    """The auditor's first attack: SQL that reads a host file and writes another, added to the
    backup folder; whether or not the manifest is re-hashed, nothing runs."""
    fuite = tmp_path / "fuite.csv"
    for nom in ("schema.sql", "load.sql"):
        (sauvegarde / nom).write_text(AUDITEUR.format(cible=litteral(fuite)))
    if manifeste_rehache:
        rehacher(sauvegarde)
        refusee(sauvegarde, tmp_path, "manifest signature does not match")
    else:
        refusee(sauvegarde, tmp_path, r"unexpected \['load.sql', 'schema.sql'\]")
    assert not fuite.exists()


def test_ancien_format_refuse(entrepot_genere, dossier_genere, tmp_path):
    """The auditor's attack on the older format (EXPORT DATABASE + unsigned manifest, SQL
    added to schema.sql and re-hashed): never restored, and `lister` says to delete it."""
    ancienne = tmp_path / "backups" / "20250101T000000000000Z"
    ancienne.parent.mkdir()
    with duckdb.connect(str(entrepot_genere), read_only=True) as base:
        base.execute(f"export database {litteral(ancienne)} (format parquet)")
    fuite = tmp_path / "fuite.csv"
    with open(ancienne / "schema.sql", "a") as schema:
        schema.write(AUDITEUR.format(cible=litteral(fuite)))
    (ancienne / MANIFESTE).write_text("{}")
    rehacher(ancienne)
    refusee(ancienne, tmp_path, "not a backup of format 3.*never restored")
    assert not fuite.exists()
    resultat = lancer_module("retailinsight.sauvegarde", "lister", "--dossier",
                             tmp_path / "backups", dossier_brut=dossier_genere,
                             entrepot=entrepot_genere)
    assert "older format: never restored; delete it" in resultat.stdout


def test_manifeste_modifie_sans_la_cle_refuse(sauvegarde, tmp_path):
    chemin = sauvegarde / MANIFESTE
    manifeste = json.loads(chemin.read_text())
    manifeste["tables"]["marts.fct_retour_client"] += 1
    chemin.write_text(json.dumps(manifeste))
    refusee(sauvegarde, tmp_path, "manifest signature does not match")


def test_mauvaise_cle_refusee(sauvegarde, tmp_path, monkeypatch):
    monkeypatch.setenv(VARIABLE_CLE, secrets.token_urlsafe(32))
    refusee(sauvegarde, tmp_path, "made with another key")


@pytest.mark.parametrize("cle, message", [
    (None, "no backup key: set BESTMARKET_CLE_SAUVEGARDE"),
    ("", "no backup key: set BESTMARKET_CLE_SAUVEGARDE"),
    ("1", "too weak: at least 128 bits"),
    ("abcdefgh12", "too weak"),
])
def test_cle_manquante_ou_faible_refusee(entrepot_genere, dossier_genere, sauvegarde, tmp_path,
                                         monkeypatch, cle, message):
    """Neither backup nor restore runs without a strong key; the message says how to make one."""
    if cle is None:
        monkeypatch.delenv(VARIABLE_CLE)
    else:
        monkeypatch.setenv(VARIABLE_CLE, cle)
    refusee(sauvegarde, tmp_path, message, erreur=CleInvalide)
    avant = contenu(tmp_path)
    resultat = lancer_module("retailinsight.sauvegarde", "creer", "--entrepot", entrepot_genere,
                             "--dossier", tmp_path / "nouvelles", dossier_brut=dossier_genere,
                             entrepot=entrepot_genere, verifier=False)
    assert resultat.returncode == 1
    assert message in resultat.stderr and "secrets.token_urlsafe(32)" in resultat.stderr
    assert contenu(tmp_path) == avant


def test_sauvegarde_signee_mais_comptes_faux_ne_laisse_rien(sauvegarde, tmp_path):
    """Even a manifest re-signed with the key must match the data: counts are checked after
    the copy, and the half-restored file is removed."""
    chemin = sauvegarde / MANIFESTE
    manifeste = json.loads(chemin.read_text())
    manifeste["tables"]["marts.fct_retour_client"] += 1
    chemin.write_text(json.dumps(manifeste))
    resigner(sauvegarde)
    with pytest.raises(SauvegardeInvalide, match="restored row counts differ"):
        restaurer(sauvegarde, tmp_path / "restaure" / "w.duckdb")
    # Only the (empty) lock file of the new warehouse remains: no warehouse, no working copy.
    assert [p.name for p in (tmp_path / "restaure").iterdir()] == ["w.duckdb.lock"]



def test_restauration_interrompue_ne_laisse_rien(sauvegarde, tmp_path, monkeypatch):
    """A restore stopped midway (here, Ctrl-C right after the copy) leaves no warehouse."""
    from retailinsight import sauvegarde as module

    compter = module.comptes_tables

    def interrompre(base, catalogue):
        if catalogue == "restauree":
            raise KeyboardInterrupt
        return compter(base, catalogue)

    monkeypatch.setattr(module, "comptes_tables", interrompre)
    with pytest.raises(KeyboardInterrupt):
        restaurer(sauvegarde, tmp_path / "restaure" / "w.duckdb")
    assert [p.name for p in (tmp_path / "restaure").iterdir()] == ["w.duckdb.lock"]


def test_objets_hors_tables_refuses(copie_entrepot, sauvegarde, tmp_path):
    """A backup holds tables only: a view (SQL text) is refused at backup time, and a signed
    backup file that holds one is refused at restore before anything is copied."""
    with duckdb.connect(str(copie_entrepot)) as base:
        base.execute("create view marts.v as select 1 as x")
    with pytest.raises(SauvegardeInvalide, match="view marts.v"):
        creer(copie_entrepot, tmp_path / "autres")
    assert not list((tmp_path / "autres").iterdir())
    interne = tmp_path / "interne.duckdb"
    dechiffrer_fichier(sauvegarde / FICHIER, interne, cles(CLE).fichier)
    with duckdb.connect() as base:
        base.execute("load " + litteral(chemin_extension("duckdb_extension_httpfs", "httpfs")))
        base.execute(f"attach {litteral(interne)} as s "
                     f"(encryption_key {litteral(cles(CLE).chiffrement)})")
        base.execute("create view s.marts.v as select 1 as x")
    (sauvegarde / FICHIER).unlink()
    chiffrer_fichier(interne, sauvegarde / FICHIER, cles(CLE).fichier)
    interne.unlink()
    resigner(sauvegarde)
    refusee(sauvegarde, tmp_path, "holds other objects than the manifest's tables")



def test_chemins_avec_apostrophe(entrepot_genere, tmp_path):
    """Paths reach SQL escaped: a warehouse, a backup folder and a target named with quotes."""
    entrepot = tmp_path / "o'w" / "w.duckdb"
    entrepot.parent.mkdir()
    shutil.copy(entrepot_genere, entrepot)
    sauvegarde = creer(entrepot, tmp_path / "b'k")
    restaure = tmp_path / "r'e" / "w.duckdb"
    assert restaurer(sauvegarde, restaure) == verifier(sauvegarde)["tables"]
    assert contenu_table(restaure, "marts.fct_retour_client") == contenu_table(
        entrepot_genere, "marts.fct_retour_client")


def test_rotation(entrepot_genere, tmp_path):
    debut = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for jour in range(5):
        with a_son_tour(entrepot_genere):
            creer(entrepot_genere, tmp_path / "b", garder=3,
                  maintenant=debut + dt.timedelta(days=jour))
    restantes = lister(tmp_path / "b")
    assert [s.name[:8] for s in restantes] == ["20260103", "20260104", "20260105"]
    assert rotation(tmp_path / "b", 1) == restantes[:2]


def test_reprendre_le_cache_chiffre(sauvegarde_modele, entrepot_genere, tmp_path):
    """The nightly job's first step: the latest backup becomes the warehouse only when there
    is none; an existing warehouse is never overwritten; an empty cache restores nothing."""
    from retailinsight.sauvegarde import reprendre

    entrepot = tmp_path / "nuit" / "w.duckdb"
    assert reprendre(tmp_path / "vide", entrepot).startswith("no backup in")
    assert not entrepot.exists()
    assert reprendre(sauvegarde_modele.parent, entrepot).startswith("restored")
    assert len(tables(entrepot)) > 40
    assert tables_differentes(entrepot, entrepot_genere) == []
    avant = entrepot.read_bytes()
    assert "nothing restored" in reprendre(sauvegarde_modele.parent, entrepot)
    assert entrepot.read_bytes() == avant
