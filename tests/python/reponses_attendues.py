"""The 19 business answers computed in plain Python straight from a raw folder.

Independent of dbt and of the models: reads the CSV exports with the csv module and the CRM
with sqlite3, merges feedback on its key, and computes every answer with its own arithmetic.
The only project file it reads is the reviewed beverage list (`seeds/famille_produit.csv`),
which is the business definition of "boisson", not a computation.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sqlite3
from collections import defaultdict
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre"]
SOURCES = ["email", "réseaux sociaux", "téléphone"]
CATEGORIES = ["drive", "expérience en magasin", "livraison", "qualité produit",
              "service après-vente"]
DEPARTEMENTS = {"75": "Paris", "77": "Seine-et-Marne", "78": "Yvelines", "91": "Essonne",
                "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne",
                "95": "Val-d'Oise"}


def _csv(chemin: Path):
    with open(chemin, encoding="cp1252", newline="") as fichier:
        return [ligne for ligne in csv.reader(fichier, delimiter=";") if ligne]


def charger(dossier: Path):
    """Feedback (merged on key), products and stores of a raw folder, as plain dicts."""
    bruts = [tuple(l) for l in _csv(dossier / "retour_client.csv")]
    with sqlite3.connect(dossier / "Satisfaction.db") as base:
        bruts += [tuple("" if v is None else str(v) for v in l)
                  for l in base.execute("select * from retour_client")]
    retours = {}
    for cle, note, produit, magasin, date, source, categorie, reco in bruts:
        retours[int(cle)] = {
            "cle": int(cle), "note": int(note), "produit": int(produit),
            "magasin": int(magasin), "date": dt.date.fromisoformat(date),
            "source": source.strip().lower(), "categorie": categorie.strip().lower(),
            "reco": {"1": True, "0": False, "": None}[reco.strip()],
        }
    produits = {int(l[0]): {"typologie": l[1], "titre": l[2]} for l in _csv(dossier / "produit.csv")}
    magasins = {int(l[0]): {"dep": l[1], "commune": l[3]} for l in _csv(dossier / "ref_magasin.csv")}
    return list(retours.values()), produits, magasins


def boissons() -> set[str]:
    with open(RACINE / "seeds" / "famille_produit.csv", encoding="utf-8", newline="") as f:
        return {l["titre_produit"] for l in csv.DictReader(f) if l["famille_produit"] == "boisson"}


def moyenne(valeurs):
    valeurs = list(valeurs)
    return sum(valeurs) / len(valeurs) if valeurs else None


def nps(notes):
    notes = list(notes)
    if not notes:
        return {"nb_reponses": 0, "nb_promoteurs": 0, "nb_passifs": 0, "nb_detracteurs": 0,
                "nps": None, "marge_erreur_95": None, "est_echantillon_faible": True}
    promoteurs = sum(1 for n in notes if n >= 9)
    detracteurs = sum(1 for n in notes if n <= 6)
    passifs = len(notes) - promoteurs - detracteurs
    return {"nb_reponses": len(notes), "nb_promoteurs": promoteurs, "nb_passifs": passifs,
            "nb_detracteurs": detracteurs, "pct_promoteurs": promoteurs * 100 / len(notes),
            "pct_passifs": passifs * 100 / len(notes),
            "pct_detracteurs": detracteurs * 100 / len(notes),
            "nps": (promoteurs - detracteurs) * 100 / len(notes),
            "marge_erreur_95": 1.96 * 100 * math.sqrt(
                (promoteurs / len(notes) + detracteurs / len(notes)
                 - ((promoteurs - detracteurs) / len(notes)) ** 2) / len(notes)),
            "est_echantillon_faible": len(notes) < 30}


def rangs(lignes, cle, decroissant=True):
    """Competition ranks (1, 2, 2, 4), None values last, like SQL rank()."""
    valeurs = [l[cle] for l in lignes]
    for ligne in lignes:
        v = ligne[cle]
        if v is None:
            ligne["rang"] = 1 + sum(1 for x in valeurs if x is not None)
        else:
            ligne["rang"] = 1 + sum(1 for x in valeurs if x is not None
                                    and (x > v if decroissant else x < v))
    return lignes


def _debut_mois(date):
    return date.replace(day=1)


def reponses(dossier: Path, garder=None) -> dict[str, list[dict]]:
    """Every answer, keyed by model name, as a list of row dicts (columns as in the models);
    `garder(retour)` optionally keeps only some feedbacks (after a GDPR purge, say)."""
    retours, produits, magasins = charger(dossier)
    if garder is not None:
        retours = [x for x in retours if garder(x)]
    r = {}
    par_magasin = defaultdict(list)
    for x in retours:
        par_magasin[x["magasin"]].append(x["note"])

    def magasin(ref):
        dep = magasins[ref]["dep"]
        return {"ref_magasin": ref, "libelle_commune": magasins[ref]["commune"],
                "code_departement": dep, "nom_departement": DEPARTEMENTS[dep]}

    oui = sum(1 for x in retours if x["reco"] is True)
    non = sum(1 for x in retours if x["reco"] is False)
    r["part_recommandation_client"] = [{
        "nb_oui": oui, "nb_non": non, "nb_inconnu": len(retours) - oui - non,
        "nb_reponses_connues": oui + non, "nb_retours": len(retours),
        "pct_recommandation": oui * 100 / (oui + non) if oui + non else None}]

    r["nb_retours_livraison"] = [{"libelle_categorie": "livraison", "nb_retours": sum(
        1 for x in retours if x["categorie"] == "livraison")}]

    r["nb_retours_par_source"] = [{
        "libelle_source": s, "nb_retours": (n := sum(1 for x in retours if x["source"] == s)),
        "pct_retours": n * 100 / len(retours)} for s in SOURCES]

    lignes = []
    for c in CATEGORIES:
        notes = [x["note"] for x in retours if x["categorie"] == c]
        lignes.append({"libelle_categorie": c, "nb_retours": len(notes),
                       "pct_retours": len(notes) * 100 / len(retours),
                       "note_moyenne": moyenne(notes), **nps(notes)})
    for ligne in rangs(lignes, "nb_retours"):
        ligne["rang_nb_retours"] = ligne.pop("rang")
    r["retours_par_categorie"] = lignes

    r["notes_reseaux_sociaux_tv"] = [{
        "cle_retour_client": x["cle"], "note": x["note"], "date_achat": x["date"],
        "ref_magasin": x["magasin"]} for x in retours
        if x["source"] == "réseaux sociaux" and produits[x["produit"]]["titre"] == "TV"]

    typologies = sorted({p["typologie"] for p in produits.values()})
    r["note_moyenne_par_typologie"] = rangs([{
        "typologie_produit": t, "nb_retours": len(notes), "note_moyenne": moyenne(notes)}
        for t in typologies
        for notes in [[x["note"] for x in retours if produits[x["produit"]]["typologie"] == t]]],
        "note_moyenne")

    lignes = rangs([{
        "typologie_produit": t, "nb_retours_sav": len(notes), "note_moyenne_sav": moyenne(notes)}
        for t in typologies
        for notes in [[x["note"] for x in retours if produits[x["produit"]]["typologie"] == t
                       and x["categorie"] == "service après-vente"]]], "note_moyenne_sav")
    for ligne in lignes:
        ligne["est_meilleure"] = ligne["rang"] == 1 and ligne["note_moyenne_sav"] is not None
    r["typologie_meilleur_sav"] = lignes

    titres = boissons()
    cles_boissons = {c for c, p in produits.items() if p["titre"] in titres}
    notes = [x for x in retours if x["produit"] in cles_boissons]
    r["note_moyenne_boissons"] = [{
        "nb_produits_boissons": len(cles_boissons),
        "nb_produits_avec_retour": len({x["produit"] for x in notes}),
        "nb_retours": len(notes), "note_moyenne": moyenne(x["note"] for x in notes)}]

    def trimestre(x):
        return (x["date"].year, (x["date"].month - 1) // 3 + 1)

    lignes = []
    for t in typologies:
        avant = [x["note"] for x in retours
                 if produits[x["produit"]]["typologie"] == t and trimestre(x) == (2021, 1)]
        apres = [x["note"] for x in retours
                 if produits[x["produit"]]["typologie"] == t and trimestre(x) == (2021, 2)]
        if avant and apres and moyenne(apres) > moyenne(avant):
            lignes.append({"typologie_produit": t, "nb_retours_avant": len(avant),
                           "note_moyenne_avant": moyenne(avant), "nb_retours_apres": len(apres),
                           "note_moyenne_apres": moyenne(apres),
                           "evolution_note_moyenne": moyenne(apres) - moyenne(avant)})
    r["typologies_en_progres_t1_t2"] = lignes

    tous = [{**magasin(m), "nb_retours": len(n), "note_moyenne": moyenne(n)}
            for m, n in par_magasin.items()]
    r["top_magasins_note_moyenne"] = [l for l in rangs([dict(l) for l in tous], "note_moyenne")
                                      if l["rang"] <= 5]
    r["top_magasins_nb_retours"] = [l for l in rangs([dict(l) for l in tous], "nb_retours")
                                    if l["rang"] <= 5]

    drive = defaultdict(int)
    for x in retours:
        if x["categorie"] == "drive":
            drive[x["magasin"]] += 1
    r["magasins_retours_drive_au_dessus_du_seuil"] = [
        {**magasin(m), "nb_retours_drive": n} for m, n in drive.items() if n > 12]

    generale = moyenne(x["note"] for x in retours)
    r["magasins_sous_la_moyenne"] = [
        {**l, "note_moyenne_generale": generale, "ecart_a_la_moyenne": l["note_moyenne"] - generale}
        for l in tous if l["note_moyenne"] < generale]

    r["classement_departements_par_note"] = rangs([{
        "code_departement": d, "nom_departement": nom,
        "nb_magasins_avec_retour": len({x["magasin"] for x in sel}),
        "nb_retours": len(sel), "note_moyenne": moyenne(x["note"] for x in sel)}
        for d, nom in DEPARTEMENTS.items()
        for sel in [[x for x in retours if magasins[x["magasin"]]["dep"] == d]]], "note_moyenne")

    r["classement_jours_experience_magasin"] = rangs([{
        "numero_jour_iso": i + 1, "nom_jour": jour, "nb_retours": len(notes),
        "note_moyenne": moyenne(notes)} for i, jour in enumerate(JOURS)
        for notes in [[x["note"] for x in retours if x["categorie"] == "expérience en magasin"
                       and x["date"].isoweekday() == i + 1]]], "note_moyenne")

    mois = sorted({_debut_mois(x["date"]) for x in retours})
    sav = [{"mois": m, "annee": m.year, "numero_mois": m.month, "nom_mois": MOIS[m.month - 1],
            "nb_retours_sav": sum(1 for x in retours if _debut_mois(x["date"]) == m
                                  and x["categorie"] == "service après-vente")} for m in mois]
    rangs(sav, "nb_retours_sav")
    maximum = max(l["nb_retours_sav"] for l in sav)
    for ligne in sav:
        ligne["est_mois_max"] = ligne["nb_retours_sav"] == maximum
    r["retours_sav_par_mois"] = sav

    r["nps_global"] = [nps(x["note"] for x in retours)]
    r["nps_par_source"] = [{"libelle_source": s, **nps(x["note"] for x in retours
                                                      if x["source"] == s)} for s in SOURCES]

    lignes = [{"mois": m, "annee": m.year, "numero_mois": m.month, "nom_mois": MOIS[m.month - 1],
               **nps(x["note"] for x in retours if _debut_mois(x["date"]) == m)} for m in mois]
    for precedent, ligne in zip([None] + lignes, lignes):
        suit = precedent is not None and (precedent["mois"].month % 12 + 1 == ligne["mois"].month
                                          and (ligne["mois"] - precedent["mois"]).days <= 31)
        ligne["variation_nps"] = ligne["nps"] - precedent["nps"] if suit else None
        ligne["marge_variation_95"] = math.hypot(ligne["marge_erreur_95"],
                                                 precedent["marge_erreur_95"]) if suit else None
        ligne["est_variation_significative"] = bool(
            suit and abs(ligne["variation_nps"]) > ligne["marge_variation_95"])
    meilleur = max(l["nps"] for l in lignes)
    pire = min(l["nps"] for l in lignes)
    for ligne in lignes:
        ligne["est_meilleur_mois"] = ligne["nps"] == meilleur
        ligne["est_pire_mois"] = ligne["nps"] == pire
    r["nps_par_mois"] = lignes
    return r


def _egal(obtenu, attendu):
    if attendu is None or obtenu is None:
        return obtenu is None and attendu is None
    if isinstance(attendu, float) or isinstance(obtenu, float):
        return math.isclose(float(obtenu), float(attendu), rel_tol=0, abs_tol=1e-9)
    if isinstance(attendu, dt.date):
        return obtenu == attendu
    return obtenu == attendu or str(obtenu) == str(attendu)


def lignes_modele(entrepot, modele, schema="answers"):
    import duckdb

    with duckdb.connect(str(entrepot), read_only=True) as base:
        curseur = base.execute(f"select * from {schema}.{modele}")
        colonnes = [d[0] for d in curseur.description]
        return [dict(zip(colonnes, ligne)) for ligne in curseur.fetchall()]


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


def comparer_toutes(entrepot, attendues: dict[str, list[dict]]) -> None:
    """Every answer model of `entrepot` equals its independent computation."""
    for modele, attendu in attendues.items():
        comparer(lignes_modele(entrepot, modele), attendu, modele)


def reponses_rapport(dossier: Path) -> dict[str, list[dict]]:
    """The report models (NPS by store, by département, monthly NPS against the targets),
    computed in plain Python from the raw files and the targets seed."""
    retours, _, magasins = charger(dossier)
    r = {}
    r["nps_par_magasin"] = [{
        "ref_magasin": ref, "libelle_commune": m["commune"], "code_departement": m["dep"],
        "note_moyenne": moyenne(x["note"] for x in retours if x["magasin"] == ref),
        **nps(x["note"] for x in retours if x["magasin"] == ref)}
        for ref, m in sorted(magasins.items())]
    r["nps_par_departement"] = [{
        "code_departement": d, "nom_departement": nom,
        **nps(x["note"] for x in retours if magasins[x["magasin"]]["dep"] == d)}
        for d, nom in DEPARTEMENTS.items()]
    with open(RACINE / "seeds" / "objectifs_nps.csv", encoding="utf-8", newline="") as f:
        objectifs = {dt.date.fromisoformat(l["mois"]): float(l["objectif_nps"])
                     for l in csv.DictReader(f)}
    lignes = []
    for ligne in reponses(dossier)["nps_par_mois"]:
        objectif = objectifs.get(ligne["mois"])
        lignes.append({**ligne, "objectif_nps": objectif, "est_objectif_atteint":
                       None if objectif is None else ligne["nps"] >= objectif})
    r["nps_mensuel_objectif"] = lignes
    return r
