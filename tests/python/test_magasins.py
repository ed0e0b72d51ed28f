"""Stores to watch on the real dataset: every store in exactly one segment, the
segmentation of the latest window equal to the same rules applied in plain Python to the fact's
rows, the stability figures equal to a plain Python computation (share of stores keeping their
segment, adjusted Rand index), and the report's section showing what the models say.

The segment rules' edges, the small-sample guard and "1 for identical months, lower when
assignments change" are dbt unit tests (`_magasins__unit_tests.yml` in
models/intermediate/magasins/ and models/marts/rapport/magasins/), run by the sample's build."""

import datetime as dt
import math
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from support.lecture import requete

FENETRE, MINIMUM, COUVERTURE, SEUIL = 12, 30, 6, 80.0  # the vars' defaults (dbt_project.yml)
# A gap counts beyond its 99.8 % margin (var magasins_niveau_alerte): the 95 % margins × 3.09 / 1.96.
ALERTE = 3.09 / 1.96


def _mois(date: dt.date, decalage: int = 0) -> dt.date:
    rang = date.year * 12 + date.month - 1 + decalage
    return dt.date(rang // 12, rang % 12 + 1, 1)


def _nps(notes):
    if not notes:
        return None, None
    n = len(notes)
    p = sum(1 for x in notes if x >= 9) / n
    d = sum(1 for x in notes if x <= 6) / n
    return (p - d) * 100, 1.96 * 100 * math.sqrt((p + d - (p - d) ** 2) / n)


def _part(nb, n):
    if not n:
        return None, None
    p = nb / n
    return p * 100, 1.96 * 100 * math.sqrt(p * (1 - p) / n)


def segments_attendus(entrepot) -> dict[int, str]:
    """The segmentation rules, applied to the fact's rows of the latest window, in Python."""
    retours = requete(entrepot, "select ref_magasin, note, date_achat from marts.fct_retour_client")
    magasins = [m for (m,) in requete(entrepot, "select ref_magasin from marts.dim_magasin")]
    fin = max(_mois(date) for _, _, date in retours)
    debut, seconde = _mois(fin, 1 - FENETRE), _mois(fin, 1 - FENETRE // 2)
    notes, premiere, derniere = defaultdict(list), defaultdict(list), defaultdict(list)
    for magasin, note, date in retours:
        if debut <= _mois(date) <= fin:
            notes[magasin].append(note)
            (derniere if _mois(date) >= seconde else premiere)[magasin].append(note)
    attendus = {}
    for magasin in magasins:
        n = len(notes[magasin])
        if n < MINIMUM:
            attendus[magasin] = "trop_peu_de_retours"
            continue
        # Compared with the rest of the network: every other store's notes of the window.
        reste = [x for autre, liste in notes.items() if autre != magasin for x in liste]
        nps_reste, marge_reste = _nps(reste)
        det_reste, marge_det_reste = _part(sum(1 for x in reste if x <= 6), len(reste))
        nps, marge = _nps(notes[magasin])
        det, marge_det = _part(sum(1 for x in notes[magasin] if x <= 6), n)
        sous = bool(reste) and nps_reste - nps > ALERTE * math.hypot(marge, marge_reste)
        dessus = bool(reste) and nps - nps_reste > ALERTE * math.hypot(marge, marge_reste)
        detracteurs = bool(reste) and (det - det_reste
                                       > ALERTE * math.hypot(marge_det, marge_det_reste))
        baisse = hausse = False
        moitie = (MINIMUM + 1) // 2
        if len(premiere[magasin]) >= moitie and len(derniere[magasin]) >= moitie:
            (nps_1, marge_1), (nps_2, marge_2) = _nps(premiere[magasin]), _nps(derniere[magasin])
            baisse = nps_1 - nps_2 > ALERTE * math.hypot(marge_1, marge_2)
            hausse = nps_2 - nps_1 > ALERTE * math.hypot(marge_1, marge_2)
        attendus[magasin] = ("a_suivre_de_pres" if sous or detracteurs else "en_recul" if baisse
                             else "en_progres" if hausse else "solides" if dessus
                             else "dans_la_norme")
    return attendus


def indice_rand_ajuste(avant: list[str], apres: list[str]) -> float:
    """Adjusted Rand index (Hubert and Arabie), from the contingency table, in Python."""
    def paires(effectifs):
        return sum(n * (n - 1) / 2 for n in effectifs)
    cellules = paires(Counter(zip(avant, apres)).values())
    lignes, colonnes = paires(Counter(avant).values()), paires(Counter(apres).values())
    attendu = lignes * colonnes / (len(avant) * (len(avant) - 1) / 2)
    maximum = (lignes + colonnes) / 2
    return 1.0 if maximum == attendu else (cellules - attendu) / (maximum - attendu)


def test_chaque_magasin_dans_un_seul_segment(entrepot_reel):
    magasins = requete(entrepot_reel, "select count(*) from marts.dim_magasin")[0][0]
    assert magasins == 84
    lignes = requete(entrepot_reel, "select ref_magasin, code_segment, segment, motif "
                                    "from rapport.segmentation_magasins")
    assert len(lignes) == len({l[0] for l in lignes}) == magasins
    assert all(segment and motif for _, _, segment, motif in lignes)
    segments = requete(entrepot_reel, "select code_segment, nb_magasins "
                                      "from rapport.segments_magasin")
    assert sum(nb for _, nb in segments) == magasins
    assert dict(segments) == {code: sum(1 for l in lignes if l[1] == code) for code, _ in segments}
    # Every month of the history segments every store once.
    par_mois = requete(entrepot_reel, "select mois_fin_fenetre, count(*), "
                                      "count(distinct ref_magasin) "
                                      "from intermediate.int_segments_magasin_mensuels "
                                      "group by all")
    assert len(par_mois) == 12 and all(n == d == magasins for _, n, d in par_mois)
    # The small-sample guard: under the minimum, never judged; at or above it, always judged.
    garde = requete(entrepot_reel, "select nb_reponses, code_segment "
                                   "from rapport.segmentation_magasins")
    assert all((n < MINIMUM) == (code == "trop_peu_de_retours") for n, code in garde)
    # The map by département adds up to the same stores.
    assert requete(entrepot_reel, "select sum(nb_magasins) "
                                  "from rapport.segments_par_departement")[0][0] == magasins


def test_segments_egaux_aux_regles_recalculees(entrepot_reel):
    obtenus = dict(requete(entrepot_reel, "select ref_magasin, code_segment "
                                          "from rapport.segmentation_magasins"))
    assert obtenus == segments_attendus(entrepot_reel)
    fenetre = requete(entrepot_reel, "select distinct mois_debut_fenetre, mois_fin_fenetre "
                                     "from rapport.segmentation_magasins")
    assert fenetre == [(dt.date(2021, 1, 1), dt.date(2021, 12, 1))]


def test_stabilite_egale_au_calcul_independant(entrepot_reel):
    lignes = requete(entrepot_reel, "select mois_fin_fenetre, nb_mois_couverts, ref_magasin, "
                                    "code_segment from intermediate.int_segments_magasin_mensuels")
    par_mois = defaultdict(dict)
    for mois, couverts, magasin, code in lignes:
        if couverts >= COUVERTURE:
            par_mois[mois][magasin] = code
    accords = defaultdict(list)
    for m1, m2 in combinations(sorted(par_mois), 2):
        magasins = sorted(par_mois[m1])
        avant = [par_mois[m1][m] for m in magasins]
        apres = [par_mois[m2][m] for m in magasins]
        k = (m2.year - m1.year) * 12 + m2.month - m1.month
        accords[k].append((sum(a == b for a, b in zip(avant, apres)), len(magasins),
                           indice_rand_ajuste(avant, apres)))
    courbe = requete(entrepot_reel, "select horizon_mois, nb_paires_mois, "
                                    "pct_magasins_meme_segment, indice_rand_ajuste, "
                                    "est_intervalle_recommande "
                                    "from rapport.stabilite_segments_magasin order by 1")
    assert [k for k, *_ in courbe] == sorted(accords)
    recommande = None
    for k, nb_paires, pct, ari, est_recommande in courbe:
        attendu_pct = 100 * sum(a for a, _, _ in accords[k]) / sum(n for _, n, _ in accords[k])
        assert nb_paires == len(accords[k])
        assert pct == pytest.approx(attendu_pct, abs=1e-9)
        assert ari == pytest.approx(sum(i for *_, i in accords[k]) / len(accords[k]), abs=1e-9)
        if est_recommande:
            recommande = k
    continus = 0
    for k, _, pct, _, _ in courbe:
        if pct < SEUIL:
            break
        continus = k
    frequence = requete(entrepot_reel, "select intervalle_recommande_mois, est_seuil_respecte "
                                       "from rapport.frequence_rafraichissement_segments")
    assert frequence == [(max(continus, 1), continus > 0)]
    assert recommande == (continus or None)
    # Two identical segmentations agree fully: the measure on one month against itself.
    mois = max(par_mois)
    codes = list(par_mois[mois].values())
    assert indice_rand_ajuste(codes, codes) == 1.0


def test_rapport_montre_les_magasins_a_suivre(entrepot_echantillon):
    from retailinsight.rapport import construire, lire_modeles

    modeles = lire_modeles(entrepot_echantillon)
    page = construire(modeles, dt.datetime(2024, 1, 1))
    assert "Magasins à suivre" in page and "Segments des magasins par département" in page
    assert "Stabilité de la segmentation" in page
    for segment in modeles["segments"]:
        assert segment["segment"] in page and segment["description"].replace("'", "&#x27;") in page
    frequence = modeles["frequence"][0]
    assert f'data-mois="{frequence["intervalle_recommande_mois"]}"' in page
    for magasin in modeles["segmentation"]:
        if magasin["est_a_surveiller"]:
            assert magasin["motif"] in page
