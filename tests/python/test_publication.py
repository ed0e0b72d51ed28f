"""Audience files: exactly the allowed tables and rows, encrypted, unreadable without key."""

import hashlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

import duckdb
import pytest

from support.commandes import lancer_module
from support.lecture import requete, tables
from retailinsight import publication as module
from retailinsight.publication import DEPARTEMENTS, FichierIllisible, audiences, variable_cle

# Strong keys (256 bits), the same in every pytest-xdist worker of a run.
CLES = {a: hashlib.sha256(f"cle de test {a}".encode()).hexdigest() for a in audiences()}


@pytest.fixture(scope="module")
def publication(entrepot_genere, dossier_genere, tmp_path_factory):
    """All audience files, published with keys set in the environment only for this run."""
    dossier = tmp_path_factory.mktemp("publication")
    ancien = dict(os.environ)
    os.environ.update({variable_cle(a): c for a, c in CLES.items()})
    try:
        lancer_module("retailinsight.publication", "--entrepot", entrepot_genere, "--dossier",
                      dossier, dossier_brut=dossier_genere, entrepot=entrepot_genere)
    finally:
        os.environ.clear()
        os.environ.update(ancien)
    return dossier


def ouvrir(chemin, cle):
    """What an audience does: decrypt the file (`publication ouvrir`), attach it with its key."""
    clair = Path(tempfile.mkdtemp()) / "f.duckdb"
    module.ouvrir(chemin, clair, cle)
    base = duckdb.connect()
    base.execute(f"attach '{clair}' as f (encryption_key '{cle}', read_only)")
    return base


def tables_fichier(base):
    return sorted(f"{s}.{t}" for s, t in base.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'f'"
    ).fetchall())


def test_chaque_audience_a_exactement_ses_tables(publication, entrepot_genere):
    toutes = tables(entrepot_genere)
    reponses = [t for t in toutes if t.startswith("answers.")]
    attendu = {
        "equipe_data": toutes,
        "service_client": sorted(["marts.dim_magasin", "marts.dim_produit",
                                  "marts.fct_retour_client", "alertes.alerte", *reponses]),
        "direction": sorted(["alertes.alerte", *(t for t in reponses
                                                 if t != "answers.notes_reseaux_sociaux_tv")]),
        **{f"departement_{d}": ["alertes.alerte", "marts.dim_magasin", "marts.dim_produit",
                                "marts.fct_retour_client"] for d in DEPARTEMENTS},
    }
    for audience, tables_attendues in attendu.items():
        with ouvrir(publication / f"{audience}.duckdb", CLES[audience]) as base:
            assert tables_fichier(base) == sorted(tables_attendues), audience
            if audience in ("equipe_data", "service_client"):
                assert base.execute("select count(*) from f.marts.fct_retour_client").fetchone() \
                    == requete(entrepot_genere, "select count(*) from marts.fct_retour_client")[0]


@pytest.mark.parametrize("departement", DEPARTEMENTS)
def test_fichier_departement_sans_autre_departement(publication, entrepot_genere, departement):
    with ouvrir(publication / f"departement_{departement}.duckdb",
                CLES[f"departement_{departement}"]) as base:
        assert base.execute("select distinct code_departement from f.marts.dim_magasin"
                            ).fetchall() == [(departement,)]
        autres = base.execute("select count(*) from f.marts.fct_retour_client where ref_magasin "
                              "not in (select ref_magasin from f.marts.dim_magasin)").fetchone()
        assert autres == (0,)
        assert base.execute("select count(*) from f.alertes.alerte where code_departement "
                            f"is distinct from '{departement}'").fetchone() == (0,)
        nombre = base.execute("select count(*) from f.marts.fct_retour_client").fetchone()[0]
    attendu = requete(entrepot_genere, "select count(*) from marts.fct_retour_client f join "
                      "marts.dim_magasin m using (ref_magasin) "
                      f"where m.code_departement = '{departement}'")[0][0]
    assert nombre == attendu > 0


def test_fichier_illisible_sans_la_cle(publication):
    chemin = publication / "service_client.duckdb"
    with pytest.raises(duckdb.Error, match="not a valid DuckDB database file"):
        duckdb.connect(str(chemin), read_only=True)
    with pytest.raises(FichierIllisible, match="does not decrypt"):
        ouvrir(chemin, CLES["direction"])
    assert b"fct_retour_client" not in chemin.read_bytes()


def test_cle_manquante_ne_publie_rien(entrepot_genere, dossier_genere, tmp_path):
    resultat = lancer_module("retailinsight.publication", "--entrepot", entrepot_genere,
                             "--dossier", tmp_path / "pub", "--audience", "direction",
                             dossier_brut=dossier_genere, entrepot=entrepot_genere,
                             verifier=False)
    assert resultat.returncode == 1
    assert "set BESTMARKET_CLE_DIRECTION" in resultat.stderr
    assert not (tmp_path / "pub").exists() or not list((tmp_path / "pub").glob("*.duckdb"))


@pytest.mark.parametrize("cles, message", [
    ({"direction": "1"}, "too weak: at least 128 bits"),
    ({"direction": "a" * 64}, "too weak"),
    ({"direction": "abcdefgh12"}, "too weak"),
    ({"direction": "M" + "x" * 5, "service_client": "ok"}, "too weak"),
])
def test_cle_faible_refusee(entrepot_genere, dossier_genere, tmp_path, cles, message):
    """A key an attacker could guess is refused, saying how to generate a good one."""
    env = {variable_cle(a): c for a, c in cles.items()}
    arguments = [x for a in cles for x in ("--audience", a)]
    ancien = dict(os.environ)
    os.environ.update(env)
    try:
        resultat = lancer_module("retailinsight.publication", "--entrepot", entrepot_genere,
                                 "--dossier", tmp_path / "pub", *arguments,
                                 dossier_brut=dossier_genere, entrepot=entrepot_genere,
                                 verifier=False)
    finally:
        os.environ.clear()
        os.environ.update(ancien)
    assert resultat.returncode == 1
    assert message in resultat.stderr and "secrets.token_urlsafe" in resultat.stderr
    assert not (tmp_path / "pub").exists()


def test_une_cle_par_audience(entrepot_genere, dossier_genere, tmp_path):
    cle = secrets.token_urlsafe(32)
    ancien = dict(os.environ)
    os.environ.update({variable_cle("direction"): cle, variable_cle("service_client"): cle})
    try:
        resultat = lancer_module("retailinsight.publication", "--entrepot", entrepot_genere,
                                 "--dossier", tmp_path / "pub", "--audience", "direction",
                                 "--audience", "service_client", dossier_brut=dossier_genere,
                                 entrepot=entrepot_genere, verifier=False)
    finally:
        os.environ.clear()
        os.environ.update(ancien)
    assert resultat.returncode == 1
    assert "have the same key" in resultat.stderr


def test_fichiers_lisibles_par_leur_seul_proprietaire(publication, entrepot_genere):
    """Published files and the warehouse hold feedback: created 0600."""
    for chemin in [*publication.glob("*.duckdb"), *publication.glob("*.pages.zip"),
                   entrepot_genere]:
        assert stat.S_IMODE(chemin.stat().st_mode) == 0o600, chemin


def test_pages_de_chaque_audience(publication, entrepot_genere, tmp_path):
    """Each audience's pages, encrypted with its key: a département's zip holds its own folder
    only (its page and a page per store of its own), the others the whole report."""
    import zipfile

    magasins = requete(entrepot_genere, "select ref_magasin, code_departement "
                                        "from marts.dim_magasin")
    for audience in ("departement_75", "direction"):
        chemin = publication / f"{audience}.pages.zip"
        assert b"rapport_nps" not in chemin.read_bytes()
        with pytest.raises(FichierIllisible):
            module.ouvrir(chemin, tmp_path / f"{audience}-faux.zip", CLES["equipe_data"])
        with zipfile.ZipFile(module.ouvrir(chemin, tmp_path / f"{audience}.zip",
                                           CLES[audience])) as archive:
            noms = set(archive.namelist())
        if audience == "direction":
            assert "rapport_nps.html" in noms and "departement_93/index.html" in noms
        else:
            assert noms == {"departement_75/index.html", "departement_75/plotly.min.js",
                            *(f"departement_75/magasin_{ref}.html"
                              for ref, code in magasins if code == "75")}
