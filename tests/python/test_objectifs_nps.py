"""The monthly NPS targets the business maintains in the raw folder (`objectifs_nps.csv`):
read like the exports, a bad line stops the build naming the file, the line and the problem,
and a raw folder without the file builds on the seed's targets."""

from __future__ import annotations

import os

import pytest

from support.chemins import ECHANTILLON
from support.commandes import SANS_TESTS_UNITAIRES, lancer_dbt
from support.lecture import requete
from support.projet import copier_dossier

import retailinsight.dbt_plugin as plugin

OBJECTIFS = ("build", "--select", "+dim_objectif_nps", *SANS_TESTS_UNITAIRES)


@pytest.mark.parametrize("ligne, probleme", [
    (b"2021-13;30", "month '2021-13' is not AAAA-MM"),
    (b"03/2021;30", "month '03/2021' is not AAAA-MM"),
    (b"2021-03;trente", "target 'trente' is not a number"),
    (b"2021-03;100,5", "target 100.5 is outside [-100, 100]"),
    (b"2021-03", "expected 2 fields"),
    (b"2021-02;31", "month 2021-02 already has a target on line 2"),
])
def test_une_ligne_fausse_arrete_le_build_en_la_nommant(tmp_path, ligne, probleme):
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    fichier = brut / "objectifs_nps.csv"
    lignes = fichier.read_bytes().split(b"\r\n")
    lignes.insert(3, ligne)  # becomes line 4
    fichier.write_bytes(b"\r\n".join(lignes))
    resultat = lancer_dbt(*OBJECTIFS, dossier_brut=brut, entrepot=tmp_path / "w" / "w.duckdb",
                          verifier=False)
    assert resultat.returncode != 0, resultat.stdout[-2000:]
    assert f"NPS targets rejected: objectifs_nps.csv, line 4: {probleme}" in resultat.stdout, \
        resultat.stdout[-3000:]


def test_sans_fichier_les_objectifs_du_seed(tmp_path):
    """The real dataset's folder has no targets file: the build takes the seed's, and says so."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    (brut / "objectifs_nps.csv").unlink()
    entrepot = tmp_path / "w" / "w.duckdb"
    lancer_dbt(*OBJECTIFS, dossier_brut=brut, entrepot=entrepot)
    origines = requete(entrepot, "select origine_objectif, count(*), max(mois) "
                       "from marts.dim_objectif_nps group by all")
    assert [(o, n, m.isoformat()) for o, n, m in origines] == \
        [("seed objectifs_nps", 36, "2023-12-01")]


def test_le_fichier_du_metier_remplace_le_seed(tmp_path):
    """A decimal comma and spaces are accepted, empty lines skipped, and only the file's months
    are targets."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    (brut / "objectifs_nps.csv").write_bytes(b" 2024-01 ; 35,5\r\n\r\n2024-03;-10\r\n")
    entrepot = tmp_path / "w" / "w.duckdb"
    lancer_dbt(*OBJECTIFS, dossier_brut=brut, entrepot=entrepot)
    assert [(m.isoformat(), o, origine) for m, o, origine in requete(
        entrepot, "select * from marts.dim_objectif_nps order by mois")] == [
        ("2024-01-01", 35.5, "objectifs_nps.csv"), ("2024-03-01", -10.0, "objectifs_nps.csv")]


def test_le_fichier_des_objectifs_verifie_comme_les_exports(tmp_path):
    """Optional, but checked like the exports when present: no link, no BOM."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    assert plugin.verifier_dossier_brut(brut) == brut
    (brut / "objectifs_nps.csv").rename(tmp_path / "objectifs.csv")
    assert plugin.verifier_dossier_brut(brut) == brut
    os.symlink(tmp_path / "objectifs.csv", brut / "objectifs_nps.csv")
    with pytest.raises(plugin.FichierBrutInvalide, match="objectifs_nps.csv is a symbolic link"):
        plugin.verifier_dossier_brut(brut)
    (brut / "objectifs_nps.csv").unlink()
    (brut / "objectifs_nps.csv").write_bytes(b"\xef\xbb\xbf2024-01;35\r\n")
    with pytest.raises(plugin.FichierBrutInvalide, match="objectifs_nps.csv, line 1: starts with"):
        plugin.verifier_dossier_brut(brut)
