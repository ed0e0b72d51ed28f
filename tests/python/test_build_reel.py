"""`dbt build` on the real BestMarket dataset, checked against figures computed straight from
the raw files with Python's csv and sqlite3 modules (never from the models)."""

from collections import Counter

from support.chemins import DONNEES_REELLES
from support.lecture import lire_csv, lire_sqlite, requete


def test_nombres_de_lignes(entrepot_reel):
    retours = lire_csv(DONNEES_REELLES / "retour_client.csv")
    cles = {ligne[0] for ligne in retours} | {
        str(ligne[0]) for ligne in lire_sqlite(DONNEES_REELLES / "Satisfaction.db", "retour_client")}
    produits = lire_csv(DONNEES_REELLES / "produit.csv")
    magasins = lire_csv(DONNEES_REELLES / "ref_magasin.csv")
    attendu = {
        "marts.fct_retour_client": len(cles),
        "marts.dim_produit": len(produits),
        "marts.dim_magasin": len(magasins),
        "reference.departements_idf": len({ligne[1] for ligne in magasins}),
        "marts.fct_ligne_rejetee": 0,
    }
    assert attendu["marts.fct_retour_client"] == 3000
    assert (attendu["marts.dim_produit"], attendu["marts.dim_magasin"]) == (145, 84)
    assert attendu["reference.departements_idf"] == 8
    obtenu = {table: requete(entrepot_reel, f"select count(*) from {table}")[0][0]
              for table in attendu}
    assert obtenu == attendu


def test_comptes_par_categorie_et_par_source(entrepot_reel):
    retours = lire_csv(DONNEES_REELLES / "retour_client.csv")
    par_categorie = Counter(ligne[6] for ligne in retours)
    par_source = Counter(ligne[5] for ligne in retours)
    assert dict(requete(entrepot_reel, "select libelle_categorie, count(*) from "
                        "marts.fct_retour_client group by all")) == dict(par_categorie)
    assert dict(requete(entrepot_reel, "select libelle_source, count(*) from "
                        "marts.fct_retour_client group by all")) == dict(par_source)


def test_chaque_retour_identique_au_fichier(entrepot_reel):
    attendu = {}
    for cle, note, produit, magasin, date, source, categorie, reco in lire_csv(
            DONNEES_REELLES / "retour_client.csv"):
        attendu[int(cle)] = (int(note), int(produit), int(magasin), date, source, categorie,
                             {"1": True, "0": False, "": None}[reco])
    obtenu = {ligne[0]: ligne[1:] for ligne in requete(
        entrepot_reel,
        "select cle_retour_client, note, cle_produit, ref_magasin, strftime(date_achat, '%Y-%m-%d'),"
        " libelle_source, libelle_categorie, recommandation from marts.fct_retour_client")}
    assert obtenu == attendu


def test_recommandation_inconnue_reste_inconnue(entrepot_reel):
    inconnues = sum(1 for ligne in lire_csv(DONNEES_REELLES / "retour_client.csv") if ligne[7] == "")
    assert inconnues > 0
    assert requete(entrepot_reel, "select count(*) from marts.fct_retour_client "
                   "where recommandation is null")[0][0] == inconnues


def test_plats_au_boeuf_intact(entrepot_reel):
    titres = {ligne[0]: ligne[2] for ligne in lire_csv(DONNEES_REELLES / "produit.csv")}
    assert "Plats au bœuf" in titres.values()
    obtenu = dict(requete(entrepot_reel, "select cast(cle_produit as varchar), titre_produit "
                          "from marts.dim_produit"))
    assert obtenu == titres


def test_magasins_et_departements(entrepot_reel):
    attendu = {int(ligne[0]): (ligne[1], ligne[3], float(ligne[5]), float(ligne[6]))
               for ligne in lire_csv(DONNEES_REELLES / "ref_magasin.csv")}
    obtenu = {ligne[0]: ligne[1:] for ligne in requete(
        entrepot_reel,
        "select ref_magasin, code_departement, libelle_commune, latitude, longitude "
        "from marts.dim_magasin")}
    assert obtenu == attendu
    assert requete(entrepot_reel, "select count(*) from marts.dim_magasin "
                   "where nom_departement is null")[0][0] == 0


def test_rapprochement(entrepot_reel):
    lignes = requete(entrepot_reel, "select fichier_source, nb_lignes_brutes, nb_lignes_retenues, "
                     "nb_doublons_fusionnes, nb_lignes_rejetees from marts.rapprochement_lignes_brutes")
    comptes = {ligne[0]: ligne[1:] for ligne in lignes}
    assert comptes["retour_client.csv"][0] == len(lire_csv(DONNEES_REELLES / "retour_client.csv"))
    assert comptes["Satisfaction.db:retour_client"][0] == 3000
    for brutes, retenues, doublons, rejetees in comptes.values():
        assert brutes == retenues + doublons + rejetees
        assert rejetees == 0
