"""Simulations behind the statistics of « Pourquoi le NPS a bougé » (docs/statistiques.md).

Three questions, each answered by drawing feedback from known true shares, with a fixed seed
(the figures are the same on every run), in plain Python (no dependency beyond the standard
library):

1. coverage: how often does the 95 % interval of an NPS contain the true NPS, at n = 30, 100
   and 1,000 responses, for the plain Wald interval and for the adjusted Wald interval (Rocks
   2016: ¾ added to the promoter and detractor counts, 3 to n)? Target: at least 94 %.
2. false alarms: with no real difference anywhere (every store drawn from the network's
   shares), how many of 84 stores does each alarm rule flag in a month? Target: at most one
   on average for the rule the models use (the 99.8 % funnel limit).
3. shrinkage: on 84 stores of realistic sizes whose true NPS differ, how much lower is the mean
   squared error of the shrunk NPS (empirical Bayes, Dirichlet–multinomial prior whose strength
   is estimated by the method of moments, exactly as `classement_magasins_equitable` does) than
   that of the raw NPS? Target: at least 20 % lower.

    .venv/bin/python benchmarks/simulation_nps.py            # prints the tables (about 10 s)
    .venv/bin/python benchmarks/simulation_nps.py --rapide   # 10 times fewer draws

The formulas below are those of the macros (`variance_nps_depuis_comptes`,
`marge_nps_wald_ajuste_depuis_comptes`, the funnel limits of `limites_entonnoir_magasins`),
written again in Python on purpose: the simulation checks the method, the dbt unit tests
check that the SQL is the method.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics

Z_95, Z_998 = 1.96, 3.09  # as the macro `z_normal`
NB_MAGASINS = 84
# Store sizes over the 12-month window: 3,000 feedbacks a year spread over 84 stores (the real
# dataset has 23 to 55 per store); a much wider spread (5 to about 200) is tried too.
TAILLES = {
    "réaliste (20–60)": lambda alea: alea.randint(20, 60),
    "très inégale (5–200)": lambda alea: max(5, int(alea.lognormvariate(math.log(35), 0.8))),
}
# The network's (promoter, passive, detractor) shares: the real dataset's (1,200, 1,529 and 271
# of 3,000 feedbacks, an NPS of +31).
RESEAU = (0.40, 0.51, 0.09)
# True (promoter, detractor) shares tried for the coverage: the network's, a mediocre one, a
# balanced one, an excellent one, a very poor one.
PARTS = [(RESEAU[0], RESEAU[2]), (0.35, 0.40), (0.5, 0.2), (0.85, 0.05), (0.1, 0.8)]


def tirage(alea: random.Random, n: int, p: float, d: float) -> tuple[int, int]:
    """Promoters and detractors among n responses drawn with shares p and d."""
    groupes = alea.choices((0, 1, 2), cum_weights=(p, p + d, 1.0), k=n)
    return groupes.count(0), groupes.count(1)


def variance_nps(promoteurs: float, detracteurs: float, n: float) -> float:
    """Variance of one response's score (+100, 0, −100), in points²: 100² (p + d − (p − d)²)."""
    p, d = promoteurs / n, detracteurs / n
    return 10_000 * (p + d - (p - d) ** 2)


def intervalle_wald(promoteurs: int, detracteurs: int, n: int) -> tuple[float, float]:
    centre = 100 * (promoteurs - detracteurs) / n
    return centre, Z_95 * math.sqrt(variance_nps(promoteurs, detracteurs, n) / n)


def intervalle_wald_ajuste(promoteurs: int, detracteurs: int, n: int) -> tuple[float, float]:
    p, d, m = promoteurs + 0.75, detracteurs + 0.75, n + 3
    return 100 * (p - d) / m, Z_95 * math.sqrt(variance_nps(p, d, m) / m)


def couverture(alea: random.Random, repetitions: int) -> list[dict]:
    lignes = []
    for n in (30, 100, 1000):
        for p, d in PARTS:
            vrai = 100 * (p - d)
            couvre = {"wald": 0, "wald_ajuste": 0}
            for _ in range(repetitions // (10 if n == 1000 else 1)):
                promoteurs, detracteurs = tirage(alea, n, p, d)
                for nom, methode in (("wald", intervalle_wald),
                                     ("wald_ajuste", intervalle_wald_ajuste)):
                    centre, marge = methode(promoteurs, detracteurs, n)
                    couvre[nom] += abs(centre - vrai) <= marge
            total = repetitions // (10 if n == 1000 else 1)
            lignes.append({"n": n, "p": p, "d": d,
                           **{nom: 100 * nb / total for nom, nb in couvre.items()}})
    return lignes


def holm(valeurs_p: list[float], alpha: float = 0.05) -> int:
    rejets = 0
    for rang, valeur in enumerate(sorted(valeurs_p)):
        if valeur > alpha / (len(valeurs_p) - rang):
            break
        rejets += 1
    return rejets


def benjamini_hochberg(valeurs_p: list[float], alpha: float = 0.05) -> int:
    m, rejets = len(valeurs_p), 0
    for rang, valeur in enumerate(sorted(valeurs_p), start=1):
        if valeur <= alpha * rang / m:
            rejets = rang
    return rejets


def p_bilaterale(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def fausses_alertes(alea: random.Random, mois: int, taille) -> dict:
    """Alarms a month across 84 stores with no real difference (every store drawn from the
    network's shares): the stores-to-watch rules at 95 % (as before) and at 99.8 % (as now), both with the
    small-sample guard, and the rules of the analysis models (funnel, both sides) beside Holm
    and Benjamini–Hochberg on the store-against-the-rest z-values."""
    p, d = RESEAU[0], RESEAU[2]
    comptes = {"à suivre, 95 % (règle d'avant)": [], "à suivre, 99,8 % (règle retenue)": [],
               "entonnoir 95 %": [], "entonnoir 99,8 % (alerte retenue)": [],
               "Holm 5 %": [], "Benjamini–Hochberg 5 %": []}
    for _ in range(mois):
        magasins = []
        for _ in range(NB_MAGASINS):
            n = taille(alea)
            moitie_1, moitie_2 = tirage(alea, n // 2, p, d), tirage(alea, n - n // 2, p, d)
            magasins.append((n, moitie_1[0] + moitie_2[0], moitie_1[1] + moitie_2[1],
                             (n // 2, *moitie_1), (n - n // 2, *moitie_2)))
        n_res = sum(m[0] for m in magasins)
        p_res, d_res = sum(m[1] for m in magasins), sum(m[2] for m in magasins)
        nps_res, v_res = 100 * (p_res - d_res) / n_res, variance_nps(p_res, d_res, n_res)
        det_res = d_res / n_res
        a_suivre = {Z_95: 0, Z_998: 0}
        ent_95, ent_998, valeurs_p = 0, 0, []
        for n, pro, det, moitie_1, moitie_2 in magasins:
            nps = 100 * (pro - det) / n
            # The stores to watch: NPS below the network's (before: the store included), or
            # detractor share above it, or NPS down between the window's halves, beyond the gap's margin
            # (1.96 before, 3.09 now); under 30 responses, never judged.
            erreur = math.sqrt(variance_nps(pro, det, n) / n + v_res / n_res)
            part = det / n
            erreur_det = 100 * math.sqrt(part * (1 - part) / n + det_res * (1 - det_res) / n_res)
            (n1, p1, d1), (n2, p2, d2) = moitie_1, moitie_2
            tendance = 100 * (p2 - d2) / n2 - 100 * (p1 - d1) / n1
            erreur_tendance = math.sqrt(variance_nps(p1, d1, n1) / n1
                                        + variance_nps(p2, d2, n2) / n2)
            # Now (99.8 %) against the rest of the network, the store left out.
            n_r, p_r, d_r = n_res - n, p_res - pro, d_res - det
            nps_r, det_r = 100 * (p_r - d_r) / n_r, d_r / n_r
            erreur_r = math.sqrt(variance_nps(pro, det, n) / n + variance_nps(p_r, d_r, n_r) / n_r)
            erreur_det_r = 100 * math.sqrt(part * (1 - part) / n + det_r * (1 - det_r) / n_r)
            a_suivre[Z_95] += n >= 30 and (
                nps_res - nps > Z_95 * erreur or 100 * (part - det_res) > Z_95 * erreur_det
                or (min(n1, n2) >= 15 and -tendance > Z_95 * erreur_tendance))
            a_suivre[Z_998] += n >= 30 and (
                nps_r - nps > Z_998 * erreur_r or 100 * (part - det_r) > Z_998 * erreur_det_r
                or (min(n1, n2) >= 15 and -tendance > Z_998 * erreur_tendance))
            # Funnel: the store's NPS against the network's, with the network's spread at n.
            z_ent = (nps - nps_res) / math.sqrt(v_res / n)
            ent_95 += abs(z_ent) > Z_95
            ent_998 += abs(z_ent) > Z_998
            # Store against the rest of the network (independent samples), for Holm and BH.
            ecart = nps - 100 * (p_r - d_r) / n_r
            valeurs_p.append(p_bilaterale(ecart / math.sqrt(
                variance_nps(pro, det, n) / n + variance_nps(p_r, d_r, n_r) / n_r)))
        for nom, nb in (("à suivre, 95 % (règle d'avant)", a_suivre[Z_95]),
                        ("à suivre, 99,8 % (règle retenue)", a_suivre[Z_998]),
                        ("entonnoir 95 %", ent_95), ("entonnoir 99,8 % (alerte retenue)", ent_998),
                        ("Holm 5 %", holm(valeurs_p)),
                        ("Benjamini–Hochberg 5 %", benjamini_hochberg(valeurs_p))):
            comptes[nom].append(nb)
    return {nom: (statistics.fmean(nbs), 100 * sum(1 for x in nbs if x > 0) / len(nbs))
            for nom, nbs in comptes.items()}


def retrait(magasins: list[tuple[int, int, int]]) -> list[float]:
    """Shrunk NPS of each store, as `classement_magasins_equitable` computes it: the network's
    shares as prior mean, its strength a = V / τ² − 1 (V the network's per-response variance,
    τ² the variance of the stores' raw NPS minus their mean sampling variance V / n), each
    store's NPS = w × raw + (1 − w) × network with w = n / (n + a); w = 0 when τ² ≤ 0."""
    n_res = sum(m[0] for m in magasins)
    p_res, d_res = sum(m[1] for m in magasins), sum(m[2] for m in magasins)
    nps_res, v_res = 100 * (p_res - d_res) / n_res, variance_nps(p_res, d_res, n_res)
    bruts = [100 * (pro - det) / n for n, pro, det in magasins]
    tau2 = statistics.pvariance(bruts) - statistics.fmean(v_res / m[0] for m in magasins)
    if tau2 <= 0:
        return [nps_res] * len(magasins)
    force = max(v_res / tau2 - 1, 0.0)
    return [n / (n + force) * brut + force / (n + force) * nps_res
            for (n, _, _), brut in zip(magasins, bruts)]


def gain_retrait(alea: random.Random, repetitions: int, ecart_type: float, taille) -> tuple:
    """MSE of the raw and the shrunk NPS against the true ones; true shares drawn from a
    Dirichlet around the network's shares whose strength gives the stores' true NPS the
    standard deviation `ecart_type` (points)."""
    moyenne = RESEAU
    v = 10_000 * (moyenne[0] + moyenne[2] - (moyenne[0] - moyenne[2]) ** 2)
    force = v / ecart_type ** 2 - 1
    erreurs_brutes, erreurs_retrait = [], []
    for _ in range(repetitions):
        vrais, magasins = [], []
        for _ in range(NB_MAGASINS):
            gammas = [alea.gammavariate(force * m, 1.0) for m in moyenne]
            p, d = gammas[0] / sum(gammas), gammas[2] / sum(gammas)
            n = taille(alea)
            vrais.append(100 * (p - d))
            magasins.append((n, *tirage(alea, n, p, d)))
        bruts = [100 * (pro - det) / n for n, pro, det in magasins]
        retraits = retrait(magasins)
        erreurs_brutes.append(statistics.fmean((b - v) ** 2 for b, v in zip(bruts, vrais)))
        erreurs_retrait.append(statistics.fmean((r - v) ** 2 for r, v in zip(retraits, vrais)))
    brute, apres = statistics.fmean(erreurs_brutes), statistics.fmean(erreurs_retrait)
    return brute, apres, 100 * (1 - apres / brute)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--rapide", action="store_true", help="10 times fewer draws")
    arguments.add_argument("--graine", type=int, default=20260101)
    options = arguments.parse_args()
    facteur = 10 if options.rapide else 1
    alea = random.Random(options.graine)

    print("## 1. Coverage of the 95 % interval (target ≥ 94 %)\n")
    print("| n | p | d | true NPS | Wald | adjusted Wald |\n| --- | --- | --- | --- | --- | --- |")
    lignes = couverture(alea, 20_000 // facteur)
    for l in lignes:
        print(f"| {l['n']} | {l['p']} | {l['d']} | {100 * (l['p'] - l['d']):+.0f} "
              f"| {l['wald']:.1f} % | {l['wald_ajuste']:.1f} % |")
    for n in (30, 100, 1000):
        choix = [l for l in lignes if l["n"] == n]
        print(f"| {n} | | | lowest | {min(l['wald'] for l in choix):.1f} % "
              f"| {min(l['wald_ajuste'] for l in choix):.1f} % |")

    print("\n## 2. False alarms a month across 84 stores, no real difference "
          "(target ≤ 1 for the rule used)\n")
    print("| store sizes | rule | alarms a month (mean) | months with ≥ 1 alarm |\n"
          "| --- | --- | --- | --- |")
    for nom_taille, taille in TAILLES.items():
        for regle, (moyenne, part) in fausses_alertes(alea, 2_000 // facteur, taille).items():
            print(f"| {nom_taille} | {regle} | {moyenne:.2f} | {part:.0f} % |")

    print("\n## 3. Shrinkage: mean squared error of store NPS (target: ≥ 20 % lower)\n")
    print("| store sizes | true spread (sd, points) | raw MSE | shrunk MSE | gain |\n"
          "| --- | --- | --- | --- | --- |")
    for nom_taille, taille in TAILLES.items():
        for ecart_type in (5, 10, 15, 20):
            brute, apres, gain = gain_retrait(alea, 500 // facteur, ecart_type, taille)
            print(f"| {nom_taille} | {ecart_type} | {brute:.0f} | {apres:.0f} | {gain:.0f} % |")


if __name__ == "__main__":
    main()
