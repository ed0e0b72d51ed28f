"""`dbt build` on the bundled sample: green, reconciled, and readable by a plain DuckDB client."""

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
