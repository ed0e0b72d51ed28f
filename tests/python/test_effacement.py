"""GDPR: an erasure finds every written form of a key in every raw-row table and
sticks (the register, applied after a restore); a purge cannot empty the warehouse by
surprise; a failed recomputation is loud and leaves no stale published file; dbt's logs are
cleaned."""

import datetime as dt
import hashlib
import os
import secrets
import shutil

import duckdb
import pytest

from support.commandes import rafraichir
from support.lecture import requete
from support.projet import copier_dossier
from retailinsight import publication as pub
from retailinsight import registre, rgpd
from retailinsight.rafraichir import chemin_registre

# The audit's literal lines: the file they go to, the key, the line.
LIGNES = [
    ("retour_client.csv", 900001, "900001.0;3;24;28;2021-04-30;email;drive;1"),
    ("retour_client.csv", 900003, "900003.00;4;24;28;2021-04-30;email;drive;1"),
    ("retour_client.csv", 900002, "900002|8|24|28|2021-04-30|email|drive|1"),
    ("retour_client.csv", 900004, "\t900004;5;24;28;2021-04-30;email;drive;1"),
    ("retour_client.csv", 900005, ";900005;6;24;28;2021-04-30;email;drive;1"),
    ("produit.csv", 900006, "900006;7;24;28;2021-04-30;email;drive;1"),
]
MARQUES = ["900001.0;3;24", "900003.00;4;24", "900002|8|24", "900004;5;24", "900005;6;24",
           "900006;7;24"]


@pytest.fixture(autouse=True)
def _cles(monkeypatch):
    monkeypatch.setenv("BESTMARKET_CLE_SAUVEGARDE", secrets.token_urlsafe(32))
    monkeypatch.setenv(pub.variable_cle("equipe_data"), secrets.token_urlsafe(32))
    monkeypatch.setattr(rgpd, "_recalculer_reponses", lambda entrepot: 0)


@pytest.fixture(scope="session")
def entrepot_formes(tmp_path_factory, dossier_genere):
    """The generated exports plus the audit's lines, loaded once (the ingestion selector)."""
    dossier = tmp_path_factory.mktemp("formes")
    brut = copier_dossier(dossier_genere, dossier / "brut")
    for fichier, _, ligne in LIGNES:
        with open(brut / fichier, "ab") as flux:
            flux.write((ligne + "\r\n").encode("cp1252"))
    rafraichir(brut, dossier / "w.duckdb")
    return dossier


def _copie(entrepot_formes, tmp_path):
    brut = shutil.copytree(entrepot_formes / "brut", tmp_path / "brut")
    entrepot = tmp_path / "w.duckdb"
    shutil.copy(entrepot_formes / "w.duckdb", entrepot)
    return brut, entrepot


def _traces(base_ou_chemin, cles, marques, cle_chiffrement=None):
    """(table, column) of every cell holding one of `marques` (text) or `cles` (a number)."""
    base = duckdb.connect()
    option = f", encryption_key '{cle_chiffrement}'" if cle_chiffrement else ""
    base.execute(f"attach '{base_ou_chemin}' as f (read_only{option})")
    trouvees = []
    for schema, table, colonne, type_ in base.execute(
            "select schema_name, table_name, column_name, data_type from duckdb_columns() "
            "where database_name = 'f'").fetchall():
        nom, col = f'f."{schema}"."{table}"', f'"{colonne}"'
        if type_ == "VARCHAR":
            condition = " or ".join(f"contains({col}, '{m}')" for m in marques)
        elif type_ in ("BIGINT", "INTEGER", "HUGEINT", "DOUBLE", "DECIMAL(18,3)"):
            condition = f"{col} in ({', '.join(map(str, cles))})"
        else:
            continue
        if base.execute(f"select count(*) from {nom} where {condition}").fetchone()[0]:
            trouvees.append(f"{schema}.{table}.{colonne}")
    base.close()
    return trouvees


def test_effacement_de_chaque_forme_de_cle(entrepot_formes, tmp_path, monkeypatch, capsys):
    """`900001.0`, `900003.00`, `900002|…`, a leading tab or `;`, a feedback line sent in
    produit.csv: after the erasure none is in any column of any table, in the file's bytes,
    nor in the republished equipe_data file; the warning counts every raw line."""
    brut, entrepot = _copie(entrepot_formes, tmp_path)
    cles = [c for _, c, _ in LIGNES]
    avant = _traces(entrepot, cles, MARQUES)
    assert "marts.fct_ligne_rejetee.contenu_brut" in avant, avant
    assert any("stg_bestmarket_csv__produit" in t for t in avant), avant
    assert all(m.encode() in entrepot.read_bytes() for m in MARQUES)
    publication = tmp_path / "publication"
    pub.publier(entrepot, publication, ["equipe_data"])
    cle_equipe = os.environ[pub.variable_cle("equipe_data")]
    assert _traces(pub.ouvrir(publication / "equipe_data.duckdb", tmp_path / "avant.duckdb",
                              cle_equipe), cles, MARQUES, cle_equipe)
    monkeypatch.setenv("BESTMARKET_RAW_DIR", str(brut))
    code = rgpd.main(["effacer", *[a for c in cles for a in ("--cle", str(c))],
                      "--entrepot", str(entrepot), "--publication", str(publication),
                      "--sauvegardes", str(tmp_path / "sauvegardes")])
    sortie = capsys.readouterr()
    assert code == 0, sortie
    assert _traces(entrepot, cles, MARQUES) == []
    octets = entrepot.read_bytes()
    assert not [m for m in MARQUES if m.encode() in octets]
    assert _traces(pub.ouvrir(publication / "equipe_data.duckdb", tmp_path / "apres.duckdb",
                              cle_equipe), cles, MARQUES, cle_equipe) == []
    assert f"warning: 5 such rows are still in the raw export {brut / 'retour_client.csv'}" \
        in sortie.err
    assert f"warning: 1 such rows are still in the raw export {brut / 'produit.csv'}" \
        in sortie.err


def test_cle_numerique():
    for ligne, cle in [("900001.0;3", 900001), ("900003.00,4", 900003), ("900002|8|24", 900002),
                       ("\t900004;5", 900004), (";900005;6", 900005), (' "0900007" ;5', 900007),
                       ("9000010;1", 9000010), ("900001.5;1", None), ("abc;1", None)]:
        assert rgpd.cle_ligne(ligne) == cle, ligne


def test_registre_applique_apres_restauration(entrepot_genere, tmp_path, monkeypatch):
    """Without the backup key the erasure refuses before any change. With it, the keyed hash
    (never the key) goes to the register and a purge's limit too; a copy made before both
    (a restored backup) loses the erased key and the purged feedback by `appliquer_registre`."""
    entrepot, ancienne = tmp_path / "w.duckdb", tmp_path / "restauree.duckdb"
    shutil.copy(entrepot_genere, entrepot)
    shutil.copy(entrepot_genere, ancienne)
    cle = requete(entrepot, "select max(cle_retour_client) from marts.fct_retour_client")[0][0]
    empreinte_fichier = hashlib.sha256(entrepot.read_bytes()).hexdigest()
    monkeypatch.delenv("BESTMARKET_CLE_SAUVEGARDE")
    with pytest.raises(rgpd.OperationRefusee, match="BESTMARKET_CLE_SAUVEGARDE"):
        rgpd.effacer(entrepot, [cle], recalculer=False)
    assert hashlib.sha256(entrepot.read_bytes()).hexdigest() == empreinte_fichier
    assert not chemin_registre(entrepot).exists()
    monkeypatch.setenv("BESTMARKET_CLE_SAUVEGARDE", secrets.token_urlsafe(32))
    rgpd.effacer(entrepot, [cle], recalculer=False)
    limite = requete(entrepot, "select min(date_achat) + 40 from marts.fct_retour_client")[0][0]
    reference = dt.date(limite.year + 3, limite.month, limite.day)
    rgpd.purger(entrepot, 36, reference, recalculer=False, forcer=True)
    texte = chemin_registre(entrepot).read_text()
    assert str(cle) not in texte
    assert registre.empreinte(registre.sel(), cle) in texte
    assert f"retention,{rgpd.mois_retranches(reference, 36)}," in texte
    assert os.stat(chemin_registre(entrepot)).st_mode & 0o777 == 0o600
    monkeypatch.setenv("BESTMARKET_REGISTRE", str(chemin_registre(entrepot)))
    comptes = rgpd.appliquer_registre(ancienne)
    assert comptes.get("marts.fct_retour_client", 0) >= 2, comptes
    assert requete(ancienne, "select count(*) from marts.fct_retour_client where "
                   f"cle_retour_client = {cle} or date_achat < "
                   f"'{rgpd.mois_retranches(reference, 36)}'")[0][0] == 0
    assert requete(ancienne, "select count(*) from marts.fct_retour_client")[0][0] == \
        requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0]
    assert rgpd.appliquer_registre(ancienne) == {}


def test_reponses_non_recalculees(entrepot_genere, tmp_path, monkeypatch, capsys):
    """The answers cannot be recomputed: the erasure still removes the row, removes (does not
    republish) the published files, lists the backups, leaves the file 0600, and exits non-zero
    saying the answers are stale and what to run."""
    entrepot = tmp_path / "w.duckdb"
    shutil.copy(entrepot_genere, entrepot)
    os.chmod(entrepot, 0o600)
    publication, sauvegardes = tmp_path / "publication", tmp_path / "sauvegardes"
    pub.publier(entrepot, publication, ["equipe_data"])
    (sauvegardes / "20240101T000000Z").mkdir(parents=True)
    (sauvegardes / "20240101T000000Z" / "manifest.json").write_text("{}")
    monkeypatch.setattr(rgpd, "_recalculer_reponses", lambda entrepot: 1)
    cle = requete(entrepot, "select min(cle_retour_client) from marts.fct_retour_client")[0][0]
    code = rgpd.main(["effacer", "--cle", str(cle), "--entrepot", str(entrepot),
                      "--publication", str(publication), "--sauvegardes", str(sauvegardes)])
    sortie = capsys.readouterr()
    assert code != 0
    assert "STALE" in sortie.err and "bestmarket refresh -- run" in sortie.err
    assert not (publication / "equipe_data.duckdb").exists()
    assert "removed stale published file" in sortie.out
    assert f"warning: backup {sauvegardes / '20240101T000000Z'} was made before" in sortie.err
    assert requete(entrepot, "select count(*) from marts.fct_retour_client "
                   f"where cle_retour_client = {cle}")[0][0] == 0
    assert os.stat(entrepot).st_mode & 0o777 == 0o600


def test_purge_refusee_au_dela_de_la_part(entrepot_genere, tmp_path, monkeypatch, capsys):
    """A purge removing more than 20 % refuses before any change, with the counts and months;
    `--a-blanc` says so and exits non-zero; an empty warehouse is said to be empty."""
    entrepot = tmp_path / "w.duckdb"
    shutil.copy(entrepot_genere, entrepot)
    empreinte_fichier = hashlib.sha256(entrepot.read_bytes()).hexdigest()
    total = requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0]
    arguments = ["purger", "--mois", "36", "--entrepot", str(entrepot)]
    assert rgpd.main(arguments) == 2
    erreur = capsys.readouterr().err
    assert f"removes {total} of {total} feedback rows (100%)" in erreur and "refused" in erreur
    assert "months: 20" in erreur
    assert rgpd.main([*arguments, "--a-blanc"]) == 1
    assert "would be REFUSED" in capsys.readouterr().out
    monkeypatch.setenv("BESTMARKET_PURGE_PART_MAX", "1")
    assert rgpd.main([*arguments[:1], "--a-blanc", *arguments[1:]]) == 0
    assert "would be accepted" in capsys.readouterr().out
    assert hashlib.sha256(entrepot.read_bytes()).hexdigest() == empreinte_fichier
    assert not chemin_registre(entrepot).exists()
    with duckdb.connect(str(entrepot)) as base:
        base.execute("delete from marts.fct_retour_client")
    assert rgpd.main([*arguments, "--a-blanc"]) == 0
    assert "the warehouse holds no feedback" in capsys.readouterr().out


def test_journaux_dbt_nettoyes(entrepot_genere, tmp_path, monkeypatch, capsys):
    """dbt's logs and run results, which may quote a raw line, are removed by the erasure."""
    entrepot = tmp_path / "w.duckdb"
    shutil.copy(entrepot_genere, entrepot)
    journaux, cible = tmp_path / "logs", tmp_path / "target"
    fichiers = [journaux / "dbt.log", journaux / "dbt.log.1", cible / "run_results.json"]
    for fichier in fichiers:
        fichier.parent.mkdir(exist_ok=True)
        fichier.write_text("900001.0;3;24;28;2021-04-30;email;drive;1\n")
    (cible / "manifest.json").write_text("{}")
    monkeypatch.setenv("DBT_LOG_PATH", str(journaux))
    monkeypatch.setenv("DBT_TARGET_PATH", str(cible))
    assert rgpd.main(["effacer", "--cle", "900001", "--entrepot", str(entrepot),
                      "--publication", str(tmp_path / "p"),
                      "--sauvegardes", str(tmp_path / "s")]) == 0
    sortie = capsys.readouterr().out
    assert not any(f.exists() for f in fichiers)
    assert (cible / "manifest.json").exists()
    assert f"removed dbt's {journaux / 'dbt.log'}" in sortie


def test_produit_valide_de_meme_cle_garde(entrepot_formes, tmp_path, monkeypatch, capsys):
    """A valid product or store row whose key equals an erased feedback's is not feedback: it
    stays in every table, and no warning names its export."""
    brut, entrepot = _copie(entrepot_formes, tmp_path)
    compter = ("select (select count(*) from staging.stg_bestmarket_csv__produit "
               "where cle_produit = 5) + (select count(*) from intermediate.int_produit_qualifie "
               "where cle_produit = 5) + (select count(*) from "
               "staging.stg_bestmarket_csv__ref_magasin where ref_magasin = 5)")
    avant = requete(entrepot, compter)[0][0]
    assert avant >= 3
    monkeypatch.setenv("BESTMARKET_RAW_DIR", str(brut))
    assert rgpd.main(["effacer", "--cle", "5", "--cle", "900006", "--entrepot", str(entrepot),
                      "--publication", str(tmp_path / "p"),
                      "--sauvegardes", str(tmp_path / "s")]) == 0
    assert requete(entrepot, compter)[0][0] == avant
    assert requete(entrepot, "select count(*) from staging.stg_bestmarket_csv__produit "
                   "where cle_produit = 900006")[0][0] == 0
    sortie = capsys.readouterr().err
    assert f"warning: 1 such rows are still in the raw export {brut / 'produit.csv'}" in sortie
    assert "ref_magasin.csv" not in sortie


def test_registre_inscrit_avant_la_suppression(entrepot_genere, tmp_path, monkeypatch):
    """An erasure that dies during its deletion has already put the key's hash in the register:
    the request is not lost, `appliquer_registre` finishes it."""
    entrepot = tmp_path / "w.duckdb"
    shutil.copy(entrepot_genere, entrepot)
    cle = requete(entrepot, "select min(cle_retour_client) from marts.fct_retour_client")[0][0]
    supprimer = rgpd._supprimer

    def tue(*arguments, **options):
        raise KeyboardInterrupt("killed during the deletion")
    monkeypatch.setattr(rgpd, "_supprimer", tue)
    with pytest.raises(KeyboardInterrupt):
        rgpd.effacer(entrepot, [cle], recalculer=False)
    assert registre.empreinte(registre.sel(), cle) in chemin_registre(entrepot).read_text()
    monkeypatch.setattr(rgpd, "_supprimer", supprimer)
    assert rgpd.appliquer_registre(entrepot)["marts.fct_retour_client"] == 1
    assert requete(entrepot, "select count(*) from marts.fct_retour_client "
                   f"where cle_retour_client = {cle}")[0][0] == 0
