"""GDPR: retention purge and erasure leave no trace of the removed feedback in any table,
are journaled without content, and the answers are recomputed consistently."""

import datetime as dt
import os
import secrets
import shutil
import sqlite3

import duckdb
import pytest

from support.commandes import lancer_module, rafraichir
from support.lecture import lire_csv, requete, tables
from support.partage import une_fois
from retailinsight import publication as pub
from retailinsight.publication import variable_cle
from reponses_attendues import comparer_toutes, reponses


@pytest.fixture(autouse=True)
def _cle_sauvegarde(monkeypatch):
    """An erasure keeps the keyed hashes of the erased keys in the register: it needs the
    backup key (the commands inherit this environment)."""
    monkeypatch.setenv("BESTMARKET_CLE_SAUVEGARDE", secrets.token_urlsafe(32))


def traces(entrepot, cles):
    """(table, column, count) of every cell of the warehouse that holds one of `cles`, as a
    value or at the start of a raw line."""
    trouvees = []
    with duckdb.connect(str(entrepot), read_only=True) as base:
        colonnes = base.execute(
            "select schema_name || '.' || table_name, column_name, data_type "
            "from duckdb_columns() where database_name = current_database()").fetchall()
        for table, colonne, type_ in colonnes:
            if type_ not in ("BIGINT", "INTEGER", "VARCHAR"):
                continue
            valeurs = ", ".join(f"'{c}'" for c in cles)
            condition = f'cast("{colonne}" as varchar) in ({valeurs})'
            if type_ == "VARCHAR":
                condition += "".join(f" or \"{colonne}\" like '{c};%'" for c in cles)
            nombre = base.execute(f"select count(*) from {table} where {condition}").fetchone()[0]
            if nombre:
                trouvees.append((table, colonne, nombre))
    return trouvees


def test_effacement_sur_demande(dossier_genere, copie_entrepot):
    csv_cles = {l[0] for l in lire_csv(dossier_genere / "retour_client.csv")}
    with sqlite3.connect(dossier_genere / "Satisfaction.db") as base:
        db_cles = {str(c) for (c,) in base.execute("select cle_retour_client from retour_client")}
    cles = [sorted(csv_cles - db_cles)[0], sorted(db_cles - csv_cles)[0],
            sorted(csv_cles & db_cles)[0]]
    assert traces(copie_entrepot, cles), "the keys are there before the erasure"
    resultat = lancer_module("retailinsight.rgpd", "effacer", *[a for c in cles for a in
                                                                ("--cle", c)],
                             "--entrepot", copie_entrepot.name, dossier_brut=dossier_genere,
                             entrepot=copie_entrepot)
    assert traces(copie_entrepot, cles) == []
    assert "still in the raw export" in resultat.stderr
    journal = requete(copie_entrepot, "select operation, parametre, sum(nb_lignes) from "
                      "audit.journal_rgpd group by all")
    assert journal[0][:2] == ("effacement sur demande", "3 clé(s)")
    comparer_toutes(copie_entrepot, reponses(dossier_genere,
                                             lambda r: str(r["cle"]) not in cles))
    # The report's models are recomputed too: their counts are those of the fact without the
    # erased feedback.
    assert requete(copie_entrepot, "select sum(nb_reponses) from rapport.nps_par_magasin") == \
        requete(copie_entrepot, "select count(note) from marts.fct_retour_client")


def test_purge_de_retention(dossier_genere, copie_entrepot):
    reference, mois = dt.date(2024, 6, 15), 36  # keeps purchases from 2021-06-15 on
    limite = dt.date(2021, 6, 15)
    anciennes = requete(copie_entrepot, "select cle_retour_client from marts.fct_retour_client "
                        f"where date_achat < '{limite}'")
    attendu_par_mois = dict(requete(
        copie_entrepot, "select cast(date_trunc('month', date_achat) as date), count(*) from "
        f"marts.fct_retour_client where date_achat < '{limite}' group by all"))
    assert anciennes
    lancer_module("retailinsight.rgpd", "purger", "--mois", mois, "--date-reference",
                  reference, "--forcer", "--entrepot", copie_entrepot.name,
                  dossier_brut=dossier_genere, entrepot=copie_entrepot)
    assert traces(copie_entrepot, [c for (c,) in anciennes]) == []
    for table in tables(copie_entrepot):
        colonnes = [c for (c,) in requete(copie_entrepot, "select column_name from "
                    f"duckdb_columns() where schema_name || '.' || table_name = '{table}'")]
        if "date_achat" in colonnes:
            assert requete(copie_entrepot, f"select count(*) from {table} "
                           f"where date_achat < '{limite}'")[0][0] == 0, table
    journal = dict(requete(copie_entrepot, "select mois, nb_lignes from audit.journal_rgpd "
                           "where nom_table = 'marts.fct_retour_client'"))
    assert journal == attendu_par_mois
    colonnes_journal = [c for (c,) in requete(copie_entrepot, "select column_name from "
                        "duckdb_columns() where table_name = 'journal_rgpd'")]
    assert colonnes_journal == ["id_operation", "operation", "execute_le", "parametre",
                                "nom_table", "mois", "nb_lignes"]
    comparer_toutes(copie_entrepot, reponses(dossier_genere, lambda r: r["date"] >= limite))


def _variantes(dossier, cle, date):
    """Append to the CSV export the forms of feedback `cle` an export may hold beside the
    clean one: a leading zero, `,` separators, spaces and quotes around the key (all end in
    quarantine or merge with the clean row)."""
    with open(dossier / "retour_client.csv", "ab") as fichier:
        fichier.write("".join(l + "\r\n" for l in [
            f"0{cle};3;24;28;{date};email;drive;1",
            f"{cle},4,24,28,{date},email,drive,1",
            f' "{cle}" ;5;24;28;{date};email;drive',
        ]).encode("cp1252"))


def _formes(entrepot, cle):
    """(table, column, count) of the text cells that hold `cle` as a number at the start of a
    raw line (any leading zeros, spaces or quotes), and of key columns equal to it."""
    trouvees = []
    motif = f'^[^0-9;,]*0*{cle}[^0-9]'
    with duckdb.connect(str(entrepot), read_only=True) as base:
        for table, colonne, type_ in base.execute(
                "select schema_name || '.' || table_name, column_name, data_type "
                "from duckdb_columns() where database_name = current_database()").fetchall():
            if type_ == "VARCHAR":
                condition = f"regexp_matches(\"{colonne}\", '{motif}')"
            elif colonne in ("cle_retour_client", "cle"):
                condition = f'"{colonne}" = {cle}'
            else:
                continue
            nombre = base.execute(f"select count(*) from {table} where {condition}").fetchone()[0]
            if nombre:
                trouvees.append((table, colonne, nombre))
    return trouvees


CLE_SANS_DATE = 917263


@pytest.fixture(scope="session")
def entrepot_variantes(tmp_path_factory, dossier_genere):
    """The generated exports plus the audit's lines (`_variantes` of the first CSV key, and a
    line whose date cannot be read), refreshed once; tests change copies."""
    def construire(dossier):
        brut = shutil.copytree(dossier_genere, dossier / "brut")
        _variantes(brut, lire_csv(brut / "retour_client.csv")[0][0], "2021-04-30")
        with open(brut / "retour_client.csv", "ab") as fichier:
            fichier.write(f"{CLE_SANS_DATE};3;24;28;30/04/2021;email;drive;1\r\n".encode())
        rafraichir(brut, dossier / "w.duckdb")
    return une_fois(tmp_path_factory, "variantes", construire)


def copie_variantes(entrepot_variantes, tmp_path):
    brut = shutil.copytree(entrepot_variantes / "brut", tmp_path / "brut")
    entrepot = tmp_path / "w.duckdb"
    shutil.copy(entrepot_variantes / "w.duckdb", entrepot)
    return brut, entrepot


def test_effacement_de_toutes_les_formes_brutes(entrepot_variantes, tmp_path):
    """The audit's lines: the key with a leading zero, with `,` separators, with spaces and
    quotes. After the erasure none is left in any table nor in the file's bytes, and the
    warning counts every raw line that holds the key."""
    brut, entrepot = copie_variantes(entrepot_variantes, tmp_path)
    cle = lire_csv(brut / "retour_client.csv")[0][0]
    avant = _formes(entrepot, cle)
    # Different contents under one key: every copy is set aside (key conflict or malformed).
    assert sum(n for t, c, n in avant if t == "marts.fct_ligne_rejetee" and
               c == "contenu_brut") >= 3, avant
    octets = [f"{cle},4,24,28".encode(), f'"{cle}" ;5;24'.encode()]
    assert all(o in entrepot.read_bytes() for o in octets)
    resultat = lancer_module("retailinsight.rgpd", "effacer", "--cle", cle, "--entrepot",
                             entrepot.name, dossier_brut=brut, entrepot=entrepot)
    assert _formes(entrepot, cle) == []
    assert not any(o in entrepot.read_bytes() for o in octets)
    with sqlite3.connect(brut / "Satisfaction.db") as base:
        en_base = base.execute("select count(*) from retour_client where cle_retour_client = ?",
                               [cle]).fetchone()[0]
    lignes = (brut / "retour_client.csv").read_bytes().decode("cp1252").splitlines()
    premiers = [l.split(";")[0].split(",")[0].strip(' "').lstrip("0") for l in lignes]
    attendu = premiers.count(cle)
    assert attendu == 4  # the clean line and the three variants
    assert f"warning: {attendu} such rows are still in the raw export " \
        f"{brut / 'retour_client.csv'}:" in resultat.stderr
    if en_base:
        assert f"{en_base} such rows are still in the raw export {brut / 'Satisfaction.db'}" \
            in resultat.stderr


def test_purge_des_lignes_sans_date_lisible(entrepot_variantes, tmp_path):
    """A quarantined feedback line whose date cannot be read ages out by its load date: kept by
    a purge today, removed once its load date is beyond the retention."""
    brut, entrepot = copie_variantes(entrepot_variantes, tmp_path)
    assert _formes(entrepot, CLE_SANS_DATE)
    aujourdhui = dt.date.today()
    lancer_module("retailinsight.rgpd", "purger", "--mois", 36, "--date-reference", aujourdhui,
                  "--forcer", "--entrepot", entrepot.name, dossier_brut=brut, entrepot=entrepot)
    assert _formes(entrepot, CLE_SANS_DATE), "loaded today: within the retention"
    plus_tard = dt.date(aujourdhui.year + 3, aujourdhui.month, 1) + dt.timedelta(days=62)
    lancer_module("retailinsight.rgpd", "purger", "--mois", 36, "--date-reference", plus_tard,
                  "--forcer", "--entrepot", entrepot.name, dossier_brut=brut, entrepot=entrepot)
    assert _formes(entrepot, CLE_SANS_DATE) == []


def test_fichiers_publies_apres_effacement(entrepot_genere, dossier_genere, tmp_path):
    """After an erasure the published audience files are republished without the erased
    feedback; a file whose key is not in the environment is removed, not left stale; the
    backups made before, which still hold it, are listed."""
    entrepot = tmp_path / "w.duckdb"
    shutil.copy(entrepot_genere, entrepot)
    cles = {a: secrets.token_urlsafe(32) for a in ("service_client", "equipe_data", "direction")}
    env = {variable_cle(a): c for a, c in cles.items()}
    env["BESTMARKET_CLE_SAUVEGARDE"] = secrets.token_urlsafe(32)
    publication, sauvegardes = tmp_path / "publication", tmp_path / "sauvegardes"
    ancien = dict(os.environ)
    os.environ.update(env)
    try:
        lancer_module("retailinsight.publication", "--entrepot", entrepot, "--dossier",
                      publication, "--audience", "service_client", "--audience", "equipe_data",
                      "--audience", "direction", dossier_brut=dossier_genere, entrepot=entrepot)
        lancer_module("retailinsight.sauvegarde", "creer", "--entrepot", entrepot, "--dossier",
                      sauvegardes, dossier_brut=dossier_genere, entrepot=entrepot)
        del os.environ[variable_cle("direction")]
        cle = requete(entrepot, "select min(cle_retour_client) from marts.fct_retour_client")[0][0]
        # The warehouse by its bare name here (the commands run from its folder): the answers'
        # recomputation reuses the run's parse state; the two commands above take full paths.
        resultat = lancer_module("retailinsight.rgpd", "effacer", "--cle", cle, "--entrepot",
                                 entrepot.name, "--publication", publication, "--sauvegardes",
                                 sauvegardes, dossier_brut=dossier_genere, entrepot=entrepot)
    finally:
        os.environ.clear()
        os.environ.update(ancien)
    assert "republished service_client" in resultat.stdout
    assert "removed stale published file" in resultat.stdout
    assert not (publication / "direction.duckdb").exists()
    (sauvegarde,) = [d for d in sauvegardes.iterdir() if d.is_dir()]
    assert f"warning: backup {sauvegarde} was made before this operation" in resultat.stderr
    for audience in ("service_client", "equipe_data"):
        ouvert = tmp_path / f"{audience}-ouvert.duckdb"
        pub.ouvrir(publication / f"{audience}.duckdb", ouvert, cles[audience])
        with duckdb.connect() as base:
            base.execute(f"attach '{ouvert}' as f "
                         f"(encryption_key '{cles[audience]}', read_only)")
            assert base.execute("select count(*) from f.marts.fct_retour_client "
                                f"where cle_retour_client = {cle}").fetchone()[0] == 0
