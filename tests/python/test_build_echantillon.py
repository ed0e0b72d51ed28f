"""`dbt build` on the bundled sample: green, reconciled, and readable by a plain DuckDB client."""

import json

from support.chemins import ECHANTILLON
from support.lecture import lire_csv, lire_sqlite, requete


def test_build_reconcilie_sur_l_echantillon(entrepot_echantillon):
    csv_cles = {int(ligne[0]) for ligne in lire_csv(ECHANTILLON / "retour_client.csv")}
    db_cles = {ligne[0] for ligne in lire_sqlite(ECHANTILLON / "Satisfaction.db", "retour_client")}
    assert csv_cles & db_cles, "the sample is meant to hold feedback present in both exports"
    assert requete(entrepot_echantillon, "select count(*) from marts.fct_retour_client")[0][0] \
        == len(csv_cles | db_cles)
    assert requete(entrepot_echantillon, "select count(*) from marts.fct_ligne_rejetee")[0][0] == 0
    doublons = requete(entrepot_echantillon, "select sum(nb_doublons_fusionnes) from "
                       "marts.rapprochement_lignes_brutes where fichier_source like '%retour_client'")
    assert doublons[0][0] == len(csv_cles & db_cles)


def test_entrepot_lisible_sans_extension(entrepot_echantillon):
    """Every table an analyst can see opens in a plain DuckDB client: no view over a raw reader."""
    tables = requete(entrepot_echantillon, "select schema_name, table_name from duckdb_tables() "
                     "where database_name = current_database()")
    vues = requete(entrepot_echantillon, "select schema_name, view_name from duckdb_views() "
                   "where not internal and database_name = current_database()")
    assert len(tables) >= 12
    for schema, nom in tables + vues:
        requete(entrepot_echantillon, f'select count(*) from "{schema}"."{nom}"')


def test_descriptions_ecrites_dans_l_entrepot(entrepot_echantillon, projet_echantillon):
    """persist_docs: a DuckDB client shows each model's and column's description, as written in
    its yml (the manifest holds them with their doc blocks rendered)."""
    manifeste = json.loads((projet_echantillon / "target" / "manifest.json").read_text())
    noeuds = {(n["schema"], n["alias"]): n for n in manifeste["nodes"].values()
              if n["resource_type"] in ("model", "seed")}
    commentaires = dict(((s, t), c) for s, t, c in requete(
        entrepot_echantillon, "select schema_name, table_name, comment from duckdb_tables()"))
    colonnes = {(s, t, c): com for s, t, c, com in requete(
        entrepot_echantillon,
        "select schema_name, table_name, column_name, comment from duckdb_columns()")}
    for schema, table in [("marts", "fct_retour_client"), ("answers", "nps_global"),
                          ("rapport", "provenance_donnees"), ("reference", "objectifs_nps")]:
        noeud = noeuds[(schema, table)]
        assert noeud["description"].strip()
        assert commentaires[(schema, table)] == noeud["description"], (schema, table)
        for nom, colonne in noeud["columns"].items():
            assert colonnes[(schema, table, nom)] == colonne["description"], (schema, table, nom)
    assert colonnes[("marts", "fct_retour_client", "note")].startswith("Customer's answer from 0 to 10")


def test_provenance_nomme_le_dossier_sans_son_chemin(entrepot_echantillon):
    (nom, premiere, derniere, nb_retours, construit_le), = requete(
        entrepot_echantillon, "select * from rapport.provenance_donnees")
    assert nom == ECHANTILLON.name == "echantillon"
    assert (premiere.isoformat(), derniere.isoformat()) == ("2021-01-01", "2022-03-31")
    assert nb_retours == requete(entrepot_echantillon,
                                 "select count(*) from marts.fct_retour_client")[0][0]
    assert construit_le is not None
