"""Backups: restore gives identical tables and answers; altered backups are refused; old
backups are rotated."""

import datetime as dt

import pytest

from conftest import contenu_table, lancer_module, tables
from retailinsight.sauvegarde import (SauvegardeInvalide, creer, lister, restaurer, rotation,
                                      verifier)


def test_sauvegarde_puis_restauration_identiques(entrepot_genere, dossier_genere, tmp_path):
    resultat = lancer_module("retailinsight.sauvegarde", "creer", "--entrepot", entrepot_genere,
                             "--dossier", tmp_path / "backups", dossier_brut=dossier_genere,
                             entrepot=entrepot_genere)
    sauvegarde = tmp_path / "backups" / resultat.stdout.strip().split("/")[-1]
    manifeste = verifier(sauvegarde)
    assert manifeste["tables"]["marts.fct_retour_client"] > 0
    restaure = tmp_path / "restaure.duckdb"
    lancer_module("retailinsight.sauvegarde", "restaurer", sauvegarde, "--vers", restaure,
                  dossier_brut=dossier_genere, entrepot=entrepot_genere)
    assert tables(restaure) == tables(entrepot_genere)
    for table in tables(entrepot_genere):
        assert contenu_table(restaure, table) == contenu_table(entrepot_genere, table), table


def test_sauvegarde_alteree_refusee(entrepot_genere, tmp_path):
    sauvegarde = creer(entrepot_genere, tmp_path / "backups")
    fichier = next(sauvegarde.glob("marts_fct_retour_client*"))
    fichier.write_bytes(fichier.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(SauvegardeInvalide, match="checksum mismatch"):
        restaurer(sauvegarde, tmp_path / "r.duckdb")
    assert not (tmp_path / "r.duckdb").exists()
    with pytest.raises(FileExistsError):
        restaurer(creer(entrepot_genere, tmp_path / "b2"), entrepot_genere)


def test_rotation(entrepot_genere, tmp_path):
    debut = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for jour in range(5):
        creer(entrepot_genere, tmp_path / "b", garder=3,
              maintenant=debut + dt.timedelta(days=jour))
    restantes = lister(tmp_path / "b")
    assert [s.name[:8] for s in restantes] == ["20260103", "20260104", "20260105"]
    assert rotation(tmp_path / "b", 1) == restantes[:2]
