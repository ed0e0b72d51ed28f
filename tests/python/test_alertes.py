"""The alert budget's Python rule (benchmarks/simulation_alertes.py) is the models' rule: on the
dbt unit tests' hand-made rows it gives their expected rows, and on the real dataset it gives
the windows of `int_alertes_fenetres` and the `nps_baisse` rows of the mart `alerte`, computed
from the fact's rows (never from the models). So the false-alert and detection figures of
docs/statistiques.md are those of the rule the nightly applies.

Every condition's edges are dbt unit tests (models/intermediate/alertes/_alertes__unit_tests.yml)."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from benchmarks.simulation_alertes import fenetres, nps_baisse, reglages
from support.lecture import requete

TESTS_UNITAIRES = (Path(__file__).resolve().parents[2]
                   / "models/intermediate/alertes/_alertes__unit_tests.yml")


def _cas(nom: str) -> dict:
    cas = yaml.safe_load(TESTS_UNITAIRES.read_text(encoding="utf-8"))["unit_tests"]
    return next(c for c in cas if c["name"] == nom)


def _mois(texte) -> int:
    valeur = date.fromisoformat(str(texte))
    return valeur.year * 12 + valeur.month - 1


def _texte_mois(indice: int) -> str:
    return date(indice // 12, indice % 12 + 1, 1).isoformat()


@pytest.mark.parametrize("nom", ["fenetre_accumule_les_mois_jusqu_au_minimum",
                                 "fenetre_minimum_de_mois"])
def test_fenetres_python_egales_au_test_unitaire_dbt(nom):
    cas = _cas(nom)
    regle = reglages(cas["overrides"]["vars"])
    comptes = {}
    for ligne in cas["given"][0]["rows"]:
        comptes.setdefault((ligne["niveau_portee"], str(ligne["code_portee"])), {})[
            _mois(ligne["mois"])] = (ligne["nb_reponses"], ligne["nb_promoteurs"],
                                     ligne["nb_detracteurs"])
    obtenu = fenetres(comptes, regle=regle)
    attendu = cas["expect"]["rows"]
    assert set(obtenu) == {(l["niveau_portee"], str(l["code_portee"])) for l in attendu}
    for ligne in attendu:
        python = obtenu[(ligne["niveau_portee"], str(ligne["code_portee"]))]
        valeurs = {"mois_debut_fenetre": _texte_mois(python["debut"]),
                   "mois_fin_fenetre": _texte_mois(python["fin"]),
                   "est_jugeable": python["est_jugeable"]}
        for prefixe, suffixe in (("fenetre", ""), ("historique", "_historique"),
                                 ("reste_reseau", "_reste_reseau")):
            for i, colonne in enumerate(("nb_reponses", "nb_promoteurs", "nb_detracteurs")):
                valeurs[colonne + suffixe] = None if python[prefixe] is None else python[prefixe][i]
        for colonne, valeur in ligne.items():
            if colonne in valeurs:
                assert valeurs[colonne] == (str(valeur) if "mois" in colonne else valeur), \
                    (nom, ligne["code_portee"], colonne)


def test_baisse_nps_python_egale_au_test_unitaire_dbt():
    cas = _cas("nps_baisse_historique_reste_reseau_et_departement")
    regle = reglages(cas["overrides"]["vars"])
    lignes = {}
    for ligne in cas["given"][0]["rows"]:
        def trio(suffixe):
            valeurs = tuple(ligne[c + suffixe] for c in
                            ("nb_reponses", "nb_promoteurs", "nb_detracteurs"))
            return None if valeurs[0] is None else valeurs
        lignes[(ligne["niveau_portee"], str(ligne["code_portee"]))] = {
            "est_jugeable": ligne["est_jugeable"], "fenetre": trio(""),
            "historique": trio("_historique"), "reste_reseau": trio("_reste_reseau")}
    obtenu = nps_baisse(lignes, regle)
    attendu = {(l["niveau_portee"], str(l["code_portee"])): l for l in cas["expect"]["rows"]}
    assert set(obtenu) == set(attendu)
    for portee, (comparaison, valeur, reference, limite) in obtenu.items():
        ligne = attendu[portee]
        assert (valeur, reference) == pytest.approx((ligne["valeur"], ligne["reference"]))
        assert ("sous son historique" in ligne["message"]) == (comparaison == "historique")
        limite_affichee = f"limite de contrôle {limite:.1f}".replace(".", ",")
        assert limite_affichee in ligne["message"]


def test_regle_python_egale_aux_modeles_sur_le_jeu_reel(entrepot_reel):
    """Windows of every store, département and the chain, and the `nps_baisse` alerts."""
    comptes = {}
    for mois, magasin, departement, n, p, d in requete(entrepot_reel, """
            select date_trunc('month', fct.date_achat)::date, fct.ref_magasin,
                dim.code_departement, count(fct.note),
                count(case when fct.note >= 9 then 1 end),
                count(case when fct.note <= 6 then 1 end)
            from marts.fct_retour_client as fct
            left join marts.dim_magasin as dim on fct.ref_magasin = dim.ref_magasin
            group by all"""):
        for portee in (("magasin", str(magasin)), ("departement", departement),
                       ("reseau", "reseau")):
            cible = comptes.setdefault(portee, {})
            avant = cible.get(_mois(mois), (0, 0, 0))
            cible[_mois(mois)] = (avant[0] + n, avant[1] + p, avant[2] + d)
    regle = reglages()
    python = fenetres(comptes, regle=regle)
    modele = {(niveau, code): (str(debut), jugeable, (n, p, d), (nh, ph, dh))
              for niveau, code, debut, jugeable, n, p, d, nh, ph, dh in requete(entrepot_reel, """
            select niveau_portee, code_portee, mois_debut_fenetre, est_jugeable, nb_reponses,
                nb_promoteurs, nb_detracteurs, nb_reponses_historique,
                nb_promoteurs_historique, nb_detracteurs_historique
            from intermediate.int_alertes_fenetres
            where niveau_portee in ('magasin', 'departement', 'reseau')""")}
    assert len(modele) > 80  # the stores with feedback, 8 départements, the chain
    assert modele == {portee: (_texte_mois(l["debut"]), l["est_jugeable"], l["fenetre"],
                               l["historique"]) for portee, l in python.items()}
    alertes = {(niveau, code): (valeur, reference, limite)
               for niveau, code, valeur, reference, limite in requete(entrepot_reel, """
            select niveau_portee, code_portee, valeur, reference, limite
            from alertes.alerte where type_alerte = 'nps_baisse'""")}
    attendues = nps_baisse(python, regle)
    assert alertes.keys() == attendues.keys()
    for portee, (_, valeur, reference, limite) in attendues.items():
        assert alertes[portee] == pytest.approx((valeur, reference, limite), abs=1e-9)


def test_fraicheur_des_exports_lue_sur_les_fichiers(projet_echantillon, entrepot_echantillon):
    """The freshness alert's input: every raw file the sources read, with the smallest
    `warn_after` of its sources in hours and the file's own modification time; the sample,
    just copied, has no stale export."""
    lignes = requete(entrepot_echantillon, """
        select fichier, seuil_heures, epoch(derniere_modification), epoch(maintenant)
        from intermediate.int_alertes_fraicheur_exports""")
    seuils = {fichier: seuil for fichier, seuil, _, _ in lignes}
    assert seuils == {"Satisfaction.db": 26, "retour_client.csv": 26, "produit.csv": 192,
                      "ref_magasin.csv": 192, "objectifs_nps.csv": 365 * 24}
    for fichier, _, modification, maintenant in lignes:
        chemin = projet_echantillon / "data" / "echantillon" / fichier
        if not chemin.exists():  # an optional file (the targets): no time, never stale
            assert modification is None
            continue
        assert modification == pytest.approx(chemin.stat().st_mtime, abs=1)
        assert modification <= maintenant
    assert requete(entrepot_echantillon, "select count(*) from alertes.alerte "
                                         "where type_alerte = 'export_perime'") == [(0,)]
