"""Nightly refresh: idempotent, incremental, updates visible in history, late purchases
picked up, and a day-by-day sequence equal to a full refresh; source freshness checked."""

import datetime as dt
import os
import re
import shutil
import sqlite3
import time

from support.commandes import COMPLET, INGESTION, NUIT, lancer_dbt, rafraichir
from support.lecture import requete, tables, tables_differentes

SNAPSHOT = ("dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to")


def decouper(source, destination, choisir):
    """A raw folder with the feedback of `source` for which choisir(key, date) holds (CSV lines
    and CRM rows alike) and the full product and store references."""
    destination.mkdir(parents=True)
    for nom in ("produit.csv", "ref_magasin.csv"):
        shutil.copy(source / nom, destination / nom)
    lignes = (source / "retour_client.csv").read_bytes().split(b"\r\n")
    gardees = [l for l in lignes if l and choisir(int(l.split(b";")[0]),
                                                  l.split(b";")[4].decode())]
    (destination / "retour_client.csv").write_bytes(b"".join(l + b"\r\n" for l in gardees))
    shutil.copy(source / "Satisfaction.db", destination / "Satisfaction.db")
    with sqlite3.connect(destination / "Satisfaction.db") as base:
        cles = [c for c, d in base.execute("select cle_retour_client, date_achat from retour_client")
                if not choisir(int(c), d)]
        base.executemany("delete from retour_client where cle_retour_client = ?",
                         [(c,) for c in cles])
    return destination


# The next export holds only new and changed rows (a daily increment), not the whole CRM,
# loaded by the nightly's build (`rafraichir nuit`: no unit tests, the fact's tests on the
# rows the night wrote).
INCREMENTS = (*NUIT, "--vars", "{exports_complets: false}")
TABLES_COMPAREES = ["marts.fct_retour_client", "marts.dim_produit", "marts.dim_magasin"]
# When each row of the fact was loaded: the one column a night and a full rebuild differ in.
CHARGEMENT = ("lot_chargement",)


# The complete export is conftest's `dossier_genere`; the warehouse of its first refresh is
# `entrepot_genere`, built once per run, and the tests that refresh it again work on a copy
# (`copie_entrepot`).


def test_la_comparaison_des_entrepots_voit_chaque_ecart(entrepot_genere, copie_entrepot):
    """`tables_differentes`, which the refresh, kill and backup tests rely on, names each kind
    of difference and nothing else: a changed value, a duplicated row (same set of rows, not
    the same multiset), a column of another type, a dropped table; the columns it is told to
    leave out are left out."""
    import duckdb

    assert tables_differentes(copie_entrepot, entrepot_genere) == []
    with duckdb.connect(str(copie_entrepot)) as base:
        base.execute("update marts.dim_produit set famille_produit = famille_produit || '!' "
                     "where cle_produit = (select min(cle_produit) from marts.dim_produit)")
        base.execute("insert into answers.nps_par_mois "
                     "select * from answers.nps_par_mois order by mois limit 1")
        base.execute("alter table answers.nps_global alter nb_reponses type double")
        base.execute("drop table answers.nps_par_source")
        base.execute("update historique.snap_retour_client set dbt_updated_at = null")
    assert tables_differentes(copie_entrepot, entrepot_genere) == [
        "answers.nps_global", "answers.nps_par_mois", "answers.nps_par_source",
        "historique.snap_retour_client", "marts.dim_produit"]
    assert tables_differentes(entrepot_genere, copie_entrepot,
                              ["historique.snap_retour_client"], exclure=SNAPSHOT) == []


def test_deuxieme_passage_ne_change_rien(dossier_genere, entrepot_genere, copie_entrepot,
                                        tmp_path):
    """The same export refreshed a second time: every table (marts, answers, history,
    quarantine) is the one of the first refresh (`entrepot_genere`, which `copie_entrepot`
    copies), row for row, but for the time each build ran (`maintenant`, the clock the
    exports' ages are measured against)."""
    complet = dossier_genere
    entrepot = copie_entrepot
    rafraichir(complet, entrepot)
    assert len(tables(entrepot)) > 40
    assert tables_differentes(entrepot, entrepot_genere, exclure=("maintenant",)) == []


def test_jour_par_jour_egal_au_rafraichissement_complet(dossier_genere, copie_entrepot,
                                                        tmp_path):
    """Three daily exports (the second carrying late purchases from before the first), loaded
    one after the other, give the same tables as one full refresh over all of them."""
    complet = dossier_genere
    limite_1, limite_2 = "2021-05-01", "2021-10-01"
    tardive = lambda cle: cle % 10 == 0  # noqa: E731 - held back until the second export
    jours = [
        decouper(complet, tmp_path / "jour1", lambda c, d: d < limite_1 and not tardive(c)),
        decouper(complet, tmp_path / "jour2",
                 lambda c, d: limite_1 <= d < limite_2 or (d < limite_1 and tardive(c))),
        decouper(complet, tmp_path / "jour3", lambda c, d: d >= limite_2),
    ]
    increment = tmp_path / "increment" / "w.duckdb"
    for numero, jour in enumerate(jours, 1):
        # The answers are rebuilt from the fact at each build: the last day builds them.
        rafraichir(jour, increment, *INCREMENTS, *(INGESTION if numero < len(jours) else ()))
    tardives = requete(increment, "select count(*) from marts.fct_retour_client "
                       f"where date_achat < '{limite_1}' and cle_retour_client % 10 = 0")[0][0]
    assert tardives > 0, "late purchases from the second export were picked up"

    # One refresh of the complete export on an empty warehouse: a full build.
    plein = copie_entrepot
    reponses = [t for t in tables(plein) if t.startswith("answers.")]
    assert len(reponses) == 19
    assert tables_differentes(increment, plein, TABLES_COMPAREES + reponses,
                              exclure=CHARGEMENT) == []
    assert tables_differentes(increment, plein, ["historique.snap_retour_client"],
                              exclure=SNAPSHOT) == []


def test_les_tests_de_la_nuit_lisent_ce_que_la_nuit_a_ecrit(dossier_genere, copie_entrepot):
    """In the nightly's build the fact's row-by-row tests read only the rows of the latest
    load, and its key's `unique` test every row whose key that load wrote: a bad row no night
    wrote is left to the full tests (a plain build, `make test`), which catch it; a row of the
    latest load repeating an older row's key is caught by the night's."""
    import duckdb

    entrepot = copie_entrepot
    with duckdb.connect(str(entrepot)) as base:
        premiere, seconde = [c for (c,) in base.execute(
            "select cle_retour_client from marts.fct_retour_client order by 1 limit 2").fetchall()]
        # An old row with a value no night would write (the reconciliation with the exports
        # does not read `groupe_nps`), and a row of a later load repeating an old key.
        base.execute("update marts.fct_retour_client set lot_chargement = '2000-01-01', "
                     "groupe_nps = case when cle_retour_client = ? then 'inconnu' "
                     "else groupe_nps end", [premiere])
        base.execute("insert into marts.fct_retour_client select * replace "
                     "(timestamp '2000-01-02' as lot_chargement) from marts.fct_retour_client "
                     "where cle_retour_client = ?", [seconde])

    def echecs(resultat) -> set[str]:
        return {re.search(r" FAIL \d+ (\S+)", ligne).group(1).split(".")[0]
                for ligne in resultat.stdout.splitlines() if re.search(r" FAIL \d+ ", ligne)}

    nuit = rafraichir(dossier_genere, entrepot, *NUIT, *INGESTION, verifier=False)
    assert echecs(nuit) == {"unique_fct_retour_client_cle_retour_client"}, nuit.stdout[-3000:]
    with duckdb.connect(str(entrepot)) as base:  # the failed night left the warehouse as it was
        base.execute("delete from marts.fct_retour_client where lot_chargement = '2000-01-02'")
        # Every row but the bad one loaded later than it.
        base.execute("update marts.fct_retour_client set lot_chargement = '2000-01-02' "
                     "where cle_retour_client <> ?", [premiere])
    nuit = rafraichir(dossier_genere, entrepot, *NUIT, *INGESTION, verifier=False)
    assert nuit.returncode == 0, nuit.stdout[-3000:]
    plein = rafraichir(dossier_genere, entrepot, *COMPLET, *INGESTION, verifier=False)
    assert [e.split("__")[0] for e in echecs(plein)] == [
        "accepted_values_fct_retour_client_groupe_nps"], plein.stdout[-3000:]


def test_ligne_modifiee_mise_a_jour_et_historisee(dossier_genere, copie_entrepot, tmp_path):
    complet = dossier_genere
    entrepot = copie_entrepot
    cle, note = requete(entrepot, "select cle_retour_client, note from marts.fct_retour_client "
                        "order by cle_retour_client limit 1")[0]
    lendemain = tmp_path / "lendemain"
    decouper(complet, lendemain, lambda c, d: c == cle)
    nouvelle = (note + 3) % 11
    for chemin in (lendemain / "retour_client.csv",):
        texte = chemin.read_bytes().decode("cp1252")
        if texte:
            champs = texte.rstrip("\r\n").split(";")
            champs[1] = str(nouvelle)
            chemin.write_bytes((";".join(champs) + "\r\n").encode("cp1252"))
    with sqlite3.connect(lendemain / "Satisfaction.db") as base:
        base.execute("update retour_client set note = ?", (nouvelle,))
    nb_avant = requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0]
    rafraichir(lendemain, entrepot, *INCREMENTS, *INGESTION)
    assert requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0] == nb_avant
    assert requete(entrepot, "select note from marts.fct_retour_client "
                   f"where cle_retour_client = {cle}")[0][0] == nouvelle
    versions = requete(entrepot, "select note, dbt_valid_to is null from "
                       f"historique.snap_retour_client where cle_retour_client = {cle} "
                       "order by dbt_valid_from")
    assert versions == [(note, False), (nouvelle, True)]


def test_fraicheur_des_sources(dossier_genere, tmp_path):
    complet = dossier_genere
    frais = tmp_path / "frais"
    shutil.copytree(complet, frais)
    entrepot = tmp_path / "w.duckdb"
    lancer_dbt("source", "freshness", dossier_brut=frais, entrepot=entrepot,
               cible=tmp_path / "target")
    ancien = time.time() - 5 * 24 * 3600
    os.utime(frais / "retour_client.csv", (ancien, ancien))
    resultat = lancer_dbt("source", "freshness", dossier_brut=frais, entrepot=entrepot,
                          cible=tmp_path / "target", verifier=False)
    assert resultat.returncode != 0
    assert "bestmarket_csv.retour_client" in resultat.stdout
    assert "ERROR STALE" in resultat.stdout


def test_historique_produit_renomme_et_magasin_demenage(dossier_genere, copie_entrepot,
                                                        tmp_path):
    """A product renamed and a store moved to another département in a later export: the
    dimensions show the new values, the snapshots keep both versions."""
    complet = dossier_genere
    entrepot = copie_entrepot
    lendemain = tmp_path / "lendemain"
    shutil.copytree(complet, lendemain)
    for nom, ancien, nouveau in [("produit.csv", b"1;Alimentaire;", b"1;Alimentaire;Renomm\xe9 "),
                                 ("ref_magasin.csv", b"1;75;", b"1;92;")]:
        chemin = lendemain / nom
        contenu = chemin.read_bytes()
        assert contenu.startswith(ancien)
        chemin.write_bytes(nouveau + contenu[len(ancien):])
    with sqlite3.connect(lendemain / "Satisfaction.db") as base:
        base.execute("update produit set titre_produit = 'Renommé ' || titre_produit "
                     "where cle_produit = 1")
        base.execute("update ref_magasin set departement = '92' where ref_magasin = '1'")
    rafraichir(lendemain, entrepot)
    titre = requete(entrepot, "select titre_produit from marts.dim_produit where cle_produit = 1")
    assert titre[0][0].startswith("Renommé ")
    assert requete(entrepot, "select code_departement, nom_departement from marts.dim_magasin "
                   "where ref_magasin = 1") == [("92", "Hauts-de-Seine")]
    assert requete(entrepot, "select titre_produit like 'Renommé %', dbt_valid_to is null from "
                   "historique.snap_produit where cle_produit = 1 order by dbt_valid_from") == \
        [(False, False), (True, True)]
    assert requete(entrepot, "select code_departement, dbt_valid_to is null from "
                   "historique.snap_magasin where ref_magasin = 1 order by dbt_valid_from") == \
        [("75", False), ("92", True)]


def test_retour_supprime_a_la_source_quitte_le_fait(dossier_genere, copie_entrepot, tmp_path):
    """A complete export is the truth: a feedback deleted in the CRM and gone from the CSV
    leaves the fact at the next refresh, every version of it leaves the history, the run log counts
    it, and the reconciliation still holds (its test runs in the build)."""
    complet = dossier_genere
    entrepot = copie_entrepot
    cle = requete(entrepot, "select max(cle_retour_client) from marts.fct_retour_client")[0][0]
    nb_avant = requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0]
    lendemain = decouper(complet, tmp_path / "lendemain", lambda c, d: c != cle)
    resultat = rafraichir(lendemain, entrepot)
    assert "1 feedback(s) no longer in the complete exports" in resultat.stdout
    assert requete(entrepot, "select count(*) from marts.fct_retour_client "
                   f"where cle_retour_client = {cle}") == [(0,)]
    assert requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0] == \
        nb_avant - 1
    assert requete(entrepot, "select count(*), count(dbt_valid_to) from "
                   f"historique.snap_retour_client where cle_retour_client = {cle}") == [(0, 0)]
    assert "assert_lignes_brutes_reconciliees" in resultat.stdout
    assert "ERROR=0" in resultat.stdout


def test_la_nuit_sans_tests_unitaires_et_ses_vars_fusionnees():
    """`rafraichir nuit` is the nightly's build: unit tests left out, the var that limits the
    fact's row-by-row tests set, and the options' own `--vars` merged into one (theirs win);
    any other command goes to dbt as given."""
    import json

    from retailinsight.rafraichir import arguments_dbt

    assert arguments_dbt([]) == ["build"]
    assert arguments_dbt(["build", "--vars", "{a: 1}"]) == ["build", "--vars", "{a: 1}"]
    nuit = arguments_dbt(["nuit"])
    assert nuit[:3] == ["build", "--exclude-resource-type", "unit_test"]
    assert json.loads(nuit[nuit.index("--vars") + 1]) == {"tests_de_la_nuit": True}
    delta = arguments_dbt(["nuit", "--vars", "{exports_complets: false}", "--target-path", "t",
                           "--vars={tests_de_la_nuit: false, q10_top_n: 3}"])
    assert delta.count("--vars") == 1 and delta[-4:-2] == ["--target-path", "t"]
    assert json.loads(delta[-1]) == {"tests_de_la_nuit": False, "exports_complets": False,
                                     "q10_top_n": 3}
