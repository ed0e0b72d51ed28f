"""Each of the 19 answer models on the real dataset equals the answer computed in plain Python
from the raw files (tests/python/reponses_attendues.py), row by row, decimals within 1e-9."""

import datetime as dt
import math

import pytest
import yaml

from conftest import DONNEES_REELLES, ECHANTILLON, RACINE
from reponses_attendues import reponses

MODELES = {
    "part_recommandation_client": "q01", "nb_retours_livraison": "q02",
    "nb_retours_par_source": "q03", "retours_par_categorie": "q04",
    "notes_reseaux_sociaux_tv": "q05", "note_moyenne_par_typologie": "q06",
    "typologie_meilleur_sav": "q07", "note_moyenne_boissons": "q08",
    "typologies_en_progres_t1_t2": "q09", "top_magasins_note_moyenne": "q10",
    "magasins_retours_drive_au_dessus_du_seuil": "q11", "magasins_sous_la_moyenne": "q12",
    "top_magasins_nb_retours": "q13", "classement_departements_par_note": "q14",
    "classement_jours_experience_magasin": "q15", "retours_sav_par_mois": "q16",
    "nps_global": "q17", "nps_par_source": "q18", "nps_par_mois": "q19",
}


@pytest.fixture(scope="module")
def attendues():
    return reponses(DONNEES_REELLES)


@pytest.fixture(scope="module")
def attendues_echantillon():
    return reponses(ECHANTILLON)


def _egal(obtenu, attendu):
    if attendu is None or obtenu is None:
        return obtenu is None and attendu is None
    if isinstance(attendu, float) or isinstance(obtenu, float):
        return math.isclose(float(obtenu), float(attendu), rel_tol=0, abs_tol=1e-9)
    if isinstance(attendu, dt.date):
        return obtenu == attendu
    return obtenu == attendu or str(obtenu) == str(attendu)


def lignes_modele(entrepot, modele):
    import duckdb

    with duckdb.connect(str(entrepot), read_only=True) as base:
        curseur = base.execute(f"select * from answers.{modele}")
        colonnes = [d[0] for d in curseur.description]
        return [dict(zip(colonnes, ligne)) for ligne in curseur.fetchall()]


@pytest.mark.parametrize("modele", sorted(MODELES, key=MODELES.get))
def test_reponse_egale_au_calcul_independant(entrepot_reel, attendues, modele):
    comparer(lignes_modele(entrepot_reel, modele), attendues[modele], modele)


@pytest.mark.parametrize("modele", sorted(MODELES, key=MODELES.get))
def test_reponse_sur_l_echantillon(entrepot_echantillon, attendues_echantillon, modele):
    """The same independent check on the bundled sample (two years, overlapping exports)."""
    comparer(lignes_modele(entrepot_echantillon, modele), attendues_echantillon[modele], modele)


def comparer(obtenu, attendu, modele):
    assert len(obtenu) == len(attendu), f"{modele}: {len(obtenu)} rows, expected {len(attendu)}"
    cle = next(iter(attendu[0])) if attendu else None
    index = {str(ligne[cle]): ligne for ligne in obtenu}
    assert len(index) == len(obtenu)
    for ligne in attendu:
        trouvee = index.get(str(ligne[cle]))
        assert trouvee is not None, f"{modele}: no row {cle}={ligne[cle]}"
        for colonne, valeur in ligne.items():
            assert _egal(trouvee[colonne], valeur), \
                f"{modele} {cle}={ligne[cle]} {colonne}: {trouvee[colonne]!r} != {valeur!r}"


def test_chaque_question_a_son_modele(attendues):
    """One answer model per question q01..q19, its yml carrying meta.question_id and the
    question in French, and an independent computation for each."""
    modeles = {}
    for chemin in (RACINE / "models" / "marts" / "answers").glob("*.yml"):
        for modele in yaml.safe_load(chemin.read_text(encoding="utf-8"))["models"]:
            meta = modele["config"]["meta"]
            assert meta["question"] in modele["description"], modele["name"]
            modeles[modele["name"]] = meta["question_id"]
    assert modeles == MODELES
    assert set(attendues) == set(MODELES)
