"""An erased feedback never comes back: the GDPR register is applied at ingestion, to every
written form of a raw line; rows past an applied retention limit are never loaded again; the
reconciliation counts what the register excluded, so nothing is silently dropped."""

from __future__ import annotations

import re
import secrets
import sqlite3

from support.chemins import ECHANTILLON
from support.commandes import rafraichir
from support.lecture import lire_csv, requete, tables
from support.projet import copier_dossier

from retailinsight import registre, rgpd

CLE_MALFORMEE = 900001
# Feedback lines sent in the reference exports (a product, a store file): malformed there.
EGAREES = {"produit.csv": 900004, "ref_magasin.csv": 900005}


def _lignes_de(entrepot, cles):
    """`schema.table.column` of every cell holding one of `cles` (as a number, or at the start
    of a raw line)."""
    trouvees = []
    for table in tables(entrepot):
        for colonne, type_ in requete(entrepot, "select column_name, data_type from "
                                      "duckdb_columns() where schema_name || '.' || table_name "
                                      f"= '{table}'"):
            if type_ in ("BIGINT", "HUGEINT", "INTEGER"):
                condition = f'"{colonne}" in ({", ".join(map(str, cles))})'
            elif colonne == "contenu_brut":
                condition = " or ".join(f"contenu_brut like '{c}%'" for c in cles)
            else:
                continue
            if requete(entrepot, f"select count(*) from {table} where {condition}")[0][0]:
                trouvees.append(f"{table}.{colonne}")
    return trouvees


def _lignes_brutes(brut):
    """(key, date) of every raw feedback line, read without dbt: the CRM and the CSV."""
    with sqlite3.connect(brut / "Satisfaction.db") as base:
        crm = [(int(c), str(d)) for c, d in base.execute(
            "select cle_retour_client, date_achat from retour_client")]
    return crm + [(rgpd.cle_ligne(";".join(l)), l[4] if len(l) > 4 else None)
                  for l in lire_csv(brut / "retour_client.csv")]


def test_un_retour_efface_ne_revient_pas_a_l_actualisation(tmp_path, monkeypatch):
    """A feedback erased and still in both exports, a quarantined line of an erased key
    written `900001.0`, and feedback lines sent in the product and store exports, are not
    loaded again by the next refresh: in no table, no column; the reconciliation holds and
    counts them as excluded (figures computed from the raw files)."""
    monkeypatch.setenv("BESTMARKET_CLE_SAUVEGARDE", secrets.token_urlsafe(32))
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    with open(brut / "retour_client.csv", "ab") as flux:
        flux.write(f"{CLE_MALFORMEE}.0;8;24;28;2021-13-45;drive;livraison;1\r\n".encode())
    for fichier, cle_egaree in EGAREES.items():
        with open(brut / fichier, "ab") as flux:
            flux.write(f"{cle_egaree};8;24;28;2021-05-04;drive;livraison;1\r\n".encode())
    effacees = [CLE_MALFORMEE, *EGAREES.values()]
    entrepot = tmp_path / "w" / "w.duckdb"
    rafraichir(brut, entrepot)
    cles_brutes = [c for c, _ in _lignes_brutes(brut)]
    cle = min(c for c in cles_brutes if cles_brutes.count(c) == 2)  # in both exports
    assert _lignes_de(entrepot, [cle]) and all(_lignes_de(entrepot, [c]) for c in effacees)
    rgpd.effacer(entrepot, [cle, *effacees], recalculer=False)
    assert _lignes_de(entrepot, [cle, *effacees]) == []
    resultat = rafraichir(brut, entrepot)
    assert "ERROR=0" in resultat.stdout and "assert_lignes_brutes_reconciliees" in resultat.stdout
    assert _lignes_de(entrepot, [cle, *effacees]) == []
    attendu = sum(1 for c, _ in _lignes_brutes(brut) if c in (cle, CLE_MALFORMEE)) + len(EGAREES)
    assert attendu == 5
    assert requete(entrepot, "select fichier_source, nb_lignes_ecartees from "
                   "marts.rapprochement_lignes_brutes where fichier_source in "
                   "('produit.csv', 'ref_magasin.csv') order by 1") == \
        [("produit.csv", 1), ("ref_magasin.csv", 1)]
    assert requete(entrepot, "select sum(nb_lignes_ecartees) from "
                   "marts.rapprochement_lignes_brutes")[0][0] == attendu


def test_la_retention_appliquee_n_est_plus_chargee(tmp_path, monkeypatch):
    """Once a purge has applied a retention limit (in the register), the feedback bought
    before it is never loaded again, night after night; the rest is loaded as before."""
    monkeypatch.setenv("BESTMARKET_CLE_SAUVEGARDE", secrets.token_urlsafe(32))
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    entrepot = tmp_path / "w" / "w.duckdb"
    registre.inscrire(rgpd.chemin_registre(entrepot), [("retention", "2021-07-01")])
    rafraichir(brut, entrepot)
    assert requete(entrepot, "select count(*) from marts.fct_retour_client "
                   "where date_achat < '2021-07-01'") == [(0,)]
    recentes = {c for c, d in _lignes_brutes(brut)
                if d and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) and d >= "2021-07-01"}
    assert requete(entrepot, "select count(*) from marts.fct_retour_client")[0][0] == \
        len(recentes)
    anciennes = sum(1 for _, d in _lignes_brutes(brut) if d and d < "2021-07-01")
    assert requete(entrepot, "select sum(nb_lignes_ecartees) from "
                   "marts.rapprochement_lignes_brutes")[0][0] == anciennes
