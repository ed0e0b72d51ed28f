"""GDPR: retention purge and erasure leave no trace of the removed feedback in any table,
are journaled without content, and the answers are recomputed consistently."""

import datetime as dt
import sqlite3

import duckdb

from conftest import lancer_module, lire_csv, requete, tables
from reponses_attendues import comparer_toutes, reponses


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
                             "--entrepot", copie_entrepot, dossier_brut=dossier_genere,
                             entrepot=copie_entrepot)
    assert traces(copie_entrepot, cles) == []
    assert "still in the raw export" in resultat.stderr
    journal = requete(copie_entrepot, "select operation, parametre, sum(nb_lignes) from "
                      "audit.journal_rgpd group by all")
    assert journal[0][:2] == ("effacement sur demande", "3 clé(s)")
    comparer_toutes(copie_entrepot, reponses(dossier_genere,
                                             lambda r: str(r["cle"]) not in cles))


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
                  reference, "--entrepot", copie_entrepot, dossier_brut=dossier_genere,
                  entrepot=copie_entrepot)
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
