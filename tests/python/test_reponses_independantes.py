"""Each of the 19 answer models on the real dataset equals the answer computed in plain Python
from the raw files (tests/python/reponses_attendues.py), row by row, decimals within 1e-9."""

import pytest
import yaml

from support.chemins import DONNEES_REELLES, ECHANTILLON, RACINE
from reponses_attendues import comparer, lignes_modele, reponses, reponses_rapport

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


@pytest.mark.parametrize("modele", sorted(MODELES, key=MODELES.get))
def test_reponse_egale_au_calcul_independant(entrepot_reel, attendues, modele):
    comparer(lignes_modele(entrepot_reel, modele), attendues[modele], modele)


@pytest.mark.parametrize("modele", sorted(MODELES, key=MODELES.get))
def test_reponse_sur_l_echantillon(entrepot_echantillon, attendues_echantillon, modele):
    """The same independent check on the bundled sample (two years, overlapping exports)."""
    comparer(lignes_modele(entrepot_echantillon, modele), attendues_echantillon[modele], modele)


@pytest.mark.parametrize("modele", ["nps_par_magasin", "nps_par_departement",
                                    "nps_mensuel_objectif"])
def test_modeles_du_rapport(entrepot_reel, modele):
    """The report's own models, checked the same way on the real dataset."""
    comparer(lignes_modele(entrepot_reel, modele, "rapport"),
             reponses_rapport(DONNEES_REELLES)[modele], modele)


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
