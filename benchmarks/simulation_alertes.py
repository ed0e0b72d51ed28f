"""The alert budget: simulations behind the limits of the alert models (docs/statistiques.md).

Two questions, answered by drawing feedback from known true shares with a fixed seed (the
same figures on every run), in plain Python (standard library and PyYAML, already pinned):

1. false alerts: with no real change anywhere (84 stores drawn every month from the network's
   shares), how many `nps_baisse` alerts (stores, départements and the chain) does the rule
   raise a month, by responses per store and month? Target: at most one a month on average.
2. detection: with an NPS drop of 10, 20 or 30 points injected in one store, which share of
   drops is caught within one window, and after how many months on average, by responses per
   window (30, 100, 300, 1,000)? Target: at least 80 % of 20-point drops caught within one
   window at 300 responses a window.
3. the limits compared: the level and the response floor against both targets at once.

    .venv/bin/python benchmarks/simulation_alertes.py            # tables, written to
                                                                 # benchmarks/resultats_alertes.md
    .venv/bin/python benchmarks/simulation_alertes.py --rapide   # 10 times fewer draws

The rule is the models' (`int_alertes_fenetres`, `int_alertes_nps_baisse`), written again in
Python and fed the same settings: the vars of dbt_project.yml (alertes_reponses_min,
alertes_fenetre_mois_min, alertes_historique_mois, alertes_niveau) and the quantiles of the
macro `z_normal`. tests/python/test_alertes.py checks that this Python rule gives what the
model gives, on the dbt unit tests' hand-made rows and on the real dataset.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import statistics
import time
from pathlib import Path

import yaml

RACINE = Path(__file__).resolve().parent.parent
NB_MAGASINS = 84
NB_DEPARTEMENTS = 8
# The network's (promoter, passive, detractor) shares: the real dataset's (NPS +31).
RESEAU = (0.40, 0.51, 0.09)
# Responses per store and month tried: the public dataset's (about 36 a year), then the grid.
VOLUMES = (3, 30, 100, 300, 1000)
BAISSES = (10, 20, 30)


def reglages(variables: dict | None = None) -> dict:
    """The alert vars of dbt_project.yml (overridden by `variables`) and z of the macro."""
    projet = yaml.safe_load((RACINE / "dbt_project.yml").read_text(encoding="utf-8"))
    valeurs = {cle: v for cle, v in projet["vars"].items() if cle.startswith("alertes_")}
    valeurs.update(variables or {})
    macro = (RACINE / "macros/statistics/z_normal.sql").read_text(encoding="utf-8")
    quantiles = dict(re.findall(r"'([\d.]+)': '([\d.]+)'", macro))
    return {"reponses_min": int(valeurs["alertes_reponses_min"]),
            "fenetre_mois_min": int(valeurs["alertes_fenetre_mois_min"]),
            "historique_mois": int(valeurs["alertes_historique_mois"]),
            "z": float(quantiles[str(valeurs["alertes_niveau"])])}


# ---------------------------------------------------------------------------------------------
# The rule. Months are integers (any consecutive numbering); `comptes` maps a scope
# (niveau_portee, code_portee) to {month: (responses, promoters, detractors)}, only the
# months with feedback, as `int_alertes_comptes_mensuels`.

def fenetres(comptes: dict, departements: dict | None = None, regle: dict | None = None,
             dernier: int | None = None) -> dict:
    """`int_alertes_fenetres`: every scope's window on the data up to month `dernier` (default:
    the latest month of any scope), its history and the rest of the network."""
    regle = regle or reglages()
    mois_presents = [m for par_mois in comptes.values() for m in par_mois
                     if dernier is None or m <= dernier]
    fin = max(mois_presents)
    reseau = comptes.get(("reseau", "reseau"), {})
    resultat = {}
    for portee, par_mois in comptes.items():
        mois = sorted((m for m in par_mois if m <= fin), reverse=True)
        if not mois:
            continue
        cumul, suffisant = 0, None
        for m in mois:
            cumul += par_mois[m][0]
            if cumul >= regle["reponses_min"]:
                suffisant = m
                break
        if suffisant is not None:
            suffisant = min(suffisant, fin - (regle["fenetre_mois_min"] - 1))
        debut = mois[-1] if suffisant is None else suffisant
        debut_historique = debut - regle["historique_mois"]

        def somme(bas, haut, source=par_mois):
            valeurs = [source[m] for m in source if bas <= m <= haut]
            return tuple(sum(v[i] for v in valeurs) for i in range(3))

        fenetre = somme(debut, fin)
        ligne = {"debut": debut, "fin": fin, "est_jugeable": suffisant is not None,
                 "fenetre": fenetre, "historique": somme(debut_historique, debut - 1),
                 "reste_reseau": None}
        if portee[0] in ("magasin", "departement"):
            total = somme(debut, fin, reseau)
            ligne["reste_reseau"] = tuple(t - f for t, f in zip(total, fenetre))
        resultat[portee] = ligne
    return resultat


def _nps(comptes: tuple) -> float | None:
    n, p, d = comptes
    return None if n == 0 else 100 * (p - d) / n


def _variance_moyenne(comptes: tuple) -> float | None:
    """V / n, V = 100² (p + d − (p − d)²) (macro `variance_nps_depuis_comptes`)."""
    n, p, d = comptes
    if n == 0:
        return None
    p, d = p / n, d / n
    return 10_000 * (p + d - (p - d) ** 2) / n


def _z(nps, variance, comptes_autre, reponses_min):
    """The z-value of nps against the other side, None when that side is under the floor."""
    if comptes_autre is None or comptes_autre[0] < reponses_min:
        return None, None, None
    autre, variance_autre = _nps(comptes_autre), _variance_moyenne(comptes_autre)
    somme = variance + variance_autre
    z = None if somme == 0 else (nps - autre) / math.sqrt(somme)
    return z, autre, somme


def nps_baisse(lignes: dict, regle: dict | None = None) -> dict:
    """`int_alertes_nps_baisse`: {scope: (comparison, value, reference, limit)} for every store,
    département or chain alerted."""
    regle = regle or reglages()
    z_limite, minimum = regle["z"], regle["reponses_min"]
    alertes = {}
    for portee, ligne in lignes.items():
        if portee[0] not in ("magasin", "departement", "reseau") or not ligne["est_jugeable"]:
            continue
        nps, variance = _nps(ligne["fenetre"]), _variance_moyenne(ligne["fenetre"])
        z_h, ref_h, somme_h = _z(nps, variance, ligne["historique"], minimum)
        z_r, ref_r, somme_r = _z(nps, variance, ligne["reste_reseau"], minimum)
        if z_h is not None and z_h < -z_limite and (z_r is None or z_r >= z_h):
            alertes[portee] = ("historique", nps, ref_h, ref_h - z_limite * math.sqrt(somme_h))
        elif z_r is not None and z_r < -z_limite:
            alertes[portee] = ("reste_reseau", nps, ref_r, ref_r - z_limite * math.sqrt(somme_r))
    return alertes


# ---------------------------------------------------------------------------------------------
# The data.

def tirage(alea: random.Random, n: int, p: float, d: float) -> tuple[int, int, int]:
    """(responses, promoters, detractors) of n responses drawn with shares p and d."""
    groupes = alea.choices((0, 1, 2), cum_weights=(p, p + d, 1.0), k=n)
    return n, groupes.count(0), groupes.count(1)


def tirage_agrege(alea: random.Random, n: int, p: float, d: float) -> tuple[int, int, int]:
    """The same for a large aggregate (the rest of the network, tens of thousands of
    responses): the multinomial's normal approximation, exact to well under a response's
    share at these sizes, and a thousand times faster."""
    promoteurs = round(alea.gauss(n * p, math.sqrt(n * p * (1 - p))))
    reste = n - promoteurs
    q = d / (1 - p)
    detracteurs = round(alea.gauss(reste * q, math.sqrt(max(reste * q * (1 - q), 0))))
    return n, min(max(promoteurs, 0), n), min(max(detracteurs, 0), reste)


def fausses_alertes(alea, volume: int, repetitions: int, mois: int, regle: dict) -> dict:
    """Alerts a month with no change: 84 stores in 8 départements, `volume` responses per
    store and month, `mois` months of which the first `historique_mois` + the window are
    history only; the rule is evaluated at the end of every later month."""
    p, _, d = RESEAU
    departement = {m: str(m % NB_DEPARTEMENTS) for m in range(NB_MAGASINS)}
    debut_evaluation = regle["historique_mois"] + math.ceil(regle["reponses_min"] / volume)
    par_mois_alertes, par_niveau = [], {"magasin": 0, "departement": 0, "reseau": 0}
    for _ in range(repetitions):
        comptes = {}
        for magasin in range(NB_MAGASINS):
            comptes[("magasin", str(magasin))] = {
                t: tirage(alea, volume, p, d) for t in range(mois)}
        for niveau, cle in (("departement", departement.get), ("reseau", lambda m: "reseau")):
            for magasin in range(NB_MAGASINS):
                cible = comptes.setdefault((niveau, cle(magasin)), {})
                for t, valeurs in comptes[("magasin", str(magasin))].items():
                    cible[t] = tuple(a + b for a, b in zip(cible.get(t, (0, 0, 0)), valeurs))
        for t in range(debut_evaluation, mois):
            alertes = nps_baisse(fenetres(comptes, regle=regle, dernier=t), regle)
            par_mois_alertes.append(len(alertes))
            for niveau, _ in alertes:
                par_niveau[niveau] += 1
    nb = len(par_mois_alertes)
    return {"moyenne": statistics.fmean(par_mois_alertes),
            "part_mois_avec_alerte": 100 * sum(1 for a in par_mois_alertes if a) / nb,
            "nb_mois": nb, **{k: v / nb for k, v in par_niveau.items()}}


def detection(alea, baisse: int, volume: int, repetitions: int, regle: dict,
              horizon: int = 12) -> dict:
    """One store of `volume` responses a month, its NPS lowered by `baisse` points (promoters
    turned into detractors) from month H on, H = the history's length; the other 83 stores
    as the network. Caught within one window: an alert on the store by the evaluation whose
    window is the first one wholly after the drop."""
    p, _, d = RESEAU
    p1, d1 = p - baisse / 200, d + baisse / 200
    depart = regle["historique_mois"] + math.ceil(regle["reponses_min"] / volume)
    longueur_fenetre = max(math.ceil(regle["reponses_min"] / volume), regle["fenetre_mois_min"])
    attrapees, delais = 0, []
    for _ in range(repetitions):
        magasin, reseau = {}, {}
        for t in range(depart + horizon):
            propre = tirage(alea, volume, *((p, d) if t < depart else (p1, d1)))
            autres = tirage_agrege(alea, volume * (NB_MAGASINS - 1), p, d)
            magasin[t] = propre
            reseau[t] = tuple(a + b for a, b in zip(propre, autres))
        comptes = {("magasin", "1"): magasin, ("reseau", "reseau"): reseau}
        for t in range(depart, depart + horizon):
            if ("magasin", "1") in nps_baisse(fenetres(comptes, regle=regle, dernier=t), regle):
                delai = t - depart + 1
                delais.append(delai)
                attrapees += delai <= longueur_fenetre
                break
    return {"part_attrapees": 100 * attrapees / repetitions,
            "delai_moyen": statistics.fmean(delais) if delais else None,
            "part_attrapees_horizon": 100 * len(delais) / repetitions,
            "fenetre_mois": longueur_fenetre}


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--rapide", action="store_true", help="10 times fewer draws")
    arguments.add_argument("--graine", type=int, default=20260101)
    arguments.add_argument("--sortie", type=Path, default=RACINE / "benchmarks/resultats_alertes.md")
    options = arguments.parse_args()
    facteur = 10 if options.rapide else 1
    alea = random.Random(options.graine)
    regle = reglages()
    debut = time.perf_counter()
    lignes = [f"# Alert budget (benchmarks/simulation_alertes.py, seed {options.graine}"
              f"{', --rapide' if options.rapide else ''})\n",
              f"Rule: window of at least {regle['reponses_min']} responses "
              f"(alertes_reponses_min) and {regle['fenetre_mois_min']} month(s), history "
              f"{regle['historique_mois']} months, one-sided z limit {regle['z']}.\n",
              "## 1. False `nps_baisse` alerts a month, no real change (target ≤ 1)\n",
              "| responses per store and month | alerts a month (mean) | of which stores "
              "| départements | chain | months with ≥ 1 alert | months simulated |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    # Fewer repetitions where a draw costs more; every row covers a few hundred months.
    plans = {3: (20, 60), 30: (10, 48), 100: (8, 48), 300: (6, 48), 1000: (4, 48)}
    for volume in VOLUMES:
        repetitions, mois = plans[volume]
        r = fausses_alertes(alea, volume, max(1, repetitions // facteur), mois, regle)
        lignes.append(f"| {volume} | {r['moyenne']:.2f} | {r['magasin']:.2f} "
                      f"| {r['departement']:.2f} | {r['reseau']:.2f} "
                      f"| {r['part_mois_avec_alerte']:.0f} % | {r['nb_mois']} |")
        print(lignes[-1], flush=True)
    lignes += ["\n## 2. Detection of a drop in one store (target ≥ 80 % of 20-point drops "
               "within one window at 300 responses)\n",
               "| drop (points) | responses per window | window (months) | caught within one "
               "window | caught within 12 months | mean months to detection |",
               "| --- | --- | --- | --- | --- | --- |"]
    for baisse in BAISSES:
        for volume in (30, 100, 300, 1000):
            r = detection(alea, baisse, volume, 400 // facteur, regle)
            delai = "–" if r["delai_moyen"] is None else f"{r['delai_moyen']:.1f}"
            lignes.append(f"| {baisse} | {volume * r['fenetre_mois']} | {r['fenetre_mois']} "
                          f"| {r['part_attrapees']:.0f} % | {r['part_attrapees_horizon']:.0f} % "
                          f"| {delai} |")
            print(lignes[-1], flush=True)
    # The public dataset's volume: 3 responses a store a month, so a 10-month window.
    for baisse in BAISSES:
        r = detection(alea, baisse, 3, 200 // facteur, regle, horizon=24)
        delai = "–" if r["delai_moyen"] is None else f"{r['delai_moyen']:.1f}"
        lignes.append(f"| {baisse} | {3 * r['fenetre_mois']} (3 a month) | {r['fenetre_mois']} "
                      f"| {r['part_attrapees']:.0f} % | {r['part_attrapees_horizon']:.0f} % "
                      f"(24 months) | {delai} |")
        print(lignes[-1], flush=True)
    # The choice of the limits: the level and the floor against the two targets.
    lignes += ["\n## 3. The limits compared (false alerts a month; share of 20-point drops caught "
               "within one window)\n",
               "| level (alertes_niveau) | floor (alertes_reponses_min) | false alerts, 30 a month "
               "| false alerts, 300 a month | 20 points, 30 a month | 20 points, 100 a month "
               "| 20 points, 300 a month |",
               "| --- | --- | --- | --- | --- | --- | --- |"]
    for niveau, minimum in (("95", 30), ("99.8", 30), ("99.8", 100)):
        variante = reglages({"alertes_niveau": niveau, "alertes_reponses_min": minimum})
        fausses = [fausses_alertes(alea, v, max(1, 6 // facteur), 40, variante)["moyenne"]
                   for v in (30, 300)]
        vues = []
        for volume in (30, 100, 300):
            r = detection(alea, 20, volume, 300 // facteur, variante)
            vues.append(f"{r['part_attrapees']:.0f} % ({volume * r['fenetre_mois']} a window)")
        lignes.append(f"| {niveau} | {minimum} | {fausses[0]:.2f} | {fausses[1]:.2f} | "
                      + " | ".join(vues) + " |")
        print(lignes[-1], flush=True)
    lignes.append(f"\n{time.perf_counter() - debut:.0f} s on one core.")
    print(lignes[-1])
    options.sortie.write_text("\n".join(lignes) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
