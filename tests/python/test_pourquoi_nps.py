"""« Pourquoi le NPS a bougé » on the sample and on the real dataset: the change of the NPS
split into mix and performance adds up to the change (within 1e-9, every month pair, every
axe), and the decomposition, the z-values, the funnel limits and the fair ranking equal a plain
Python computation from the fact's rows (never from the models).

The decomposition's edges (only the mix moves, only the performance moves, a part seen in one
period only) and the fair ranking's "no difference → every store at the network" are dbt unit
tests (models/marts/analyse/_analyse__unit_tests.yml); the macros are tested on literal values
(tests/macros/nps/, tests/macros/statistics/); the methods' coverage, false alarms and
shrinkage gain are simulated by benchmarks/simulation_nps.py (docs/statistiques.md)."""

import math
import statistics
from collections import defaultdict

import pytest

from support.lecture import requete

Z_95, Z_998 = 1.96, 3.09
AXES = {"source": "libelle_source", "categorie": "libelle_categorie",
        "departement": "nom_departement"}


def _comptes(notes) -> tuple[int, int, int]:
    return len(notes), sum(1 for x in notes if x >= 9), sum(1 for x in notes if x <= 6)


def _nps(n, p, d):
    return 100 * (p - d) / n if n else None


def _variance(n, p, d):
    """Variance of one response's score in points²: 100² (p + d − (p − d)²)."""
    return 10_000 * (p / n + d / n - (p / n - d / n) ** 2)


def _retours(entrepot):
    return requete(entrepot, """
        select date_trunc('month', fct.date_achat)::date, fct.note, fct.libelle_source,
            fct.libelle_categorie, dim.nom_departement, fct.ref_magasin
        from marts.fct_retour_client as fct
        inner join marts.dim_magasin as dim on fct.ref_magasin = dim.ref_magasin""")


@pytest.mark.parametrize("entrepot", ["entrepot_echantillon", "entrepot_reel"])
def test_mix_plus_performance_egale_la_variation(entrepot, request):
    entrepot = request.getfixturevalue(entrepot)
    lignes = requete(entrepot, "select cle_comparaison, axe, variation_nps, effet_mix, "
                               "effet_performance from analyse_nps.variation_nps")
    mois = {m for (m,) in requete(entrepot, "select distinct date_trunc('month', date_achat) "
                                            "from marts.fct_retour_client")}
    # Every month but the first against its previous one, and the chosen periods, by 3 axes.
    assert len(lignes) == 3 * len(mois)
    for cle, axe, variation, mix, performance in lignes:
        assert abs(variation - (mix + performance)) < 1e-9, (cle, axe)
    # The parts add up to the axe's effects.
    sommes = dict(((c, a), (m, p)) for c, a, m, p in requete(
        entrepot, "select cle_comparaison, axe, sum(effet_mix), sum(effet_performance) "
                  "from analyse_nps.decomposition_nps_parts group by all"))
    for cle, axe, _, mix, performance in lignes:
        assert sommes[(cle, axe)] == pytest.approx((mix, performance), abs=1e-9)


def test_decomposition_egale_au_calcul_independant(entrepot_reel):
    """Shift-share recomputed from the fact's rows: for every consecutive month pair and axe,
    each part's share, NPS, mix and performance effects, and the change's z-value."""
    par_mois = defaultdict(lambda: defaultdict(list))
    for mois, note, *valeurs, _ in _retours(entrepot_reel):
        for axe, valeur in zip(AXES, valeurs):
            par_mois[mois][(axe, valeur)].append(note)
    obtenu = {(c, a, p): (m, perf) for c, a, p, m, perf in requete(
        entrepot_reel, "select cle_comparaison, axe, part, effet_mix, effet_performance "
                       "from analyse_nps.decomposition_nps_parts where type_comparaison = 'mois'")}
    variations = {(c, a): (v, z) for c, a, v, z in requete(
        entrepot_reel, "select cle_comparaison, axe, variation_nps, z_variation "
                       "from analyse_nps.variation_nps where type_comparaison = 'mois'")}
    mois_tries = sorted(par_mois)
    attendu = {}
    for avant, apres in zip(mois_tries, mois_tries[1:]):
        cle = f"mois_{apres.isoformat()}"
        for axe in AXES:
            parts = {v for (a, v) in list(par_mois[avant]) + list(par_mois[apres]) if a == axe}
            total = [sum(len(par_mois[m].get((axe, v), [])) for v in parts)
                     for m in (avant, apres)]
            for part in parts:
                (n0, p0, d0), (n1, p1, d1) = (_comptes(par_mois[m].get((axe, part), []))
                                              for m in (avant, apres))
                w0, w1 = n0 / total[0], n1 / total[1]
                r0, r1 = _nps(n0, p0, d0), _nps(n1, p1, d1)
                r0, r1 = (r1 if r0 is None else r0), (r0 if r1 is None else r1)
                attendu[(cle, axe, part)] = ((w1 - w0) * (r0 + r1) / 2,
                                             (r1 - r0) * (w0 + w1) / 2)
            toutes = [[x for (a, _), notes in par_mois[m].items() if a == axe for x in notes]
                      for m in (avant, apres)]
            (n0, p0, d0), (n1, p1, d1) = _comptes(toutes[0]), _comptes(toutes[1])
            variation = _nps(n1, p1, d1) - _nps(n0, p0, d0)
            z = variation / math.sqrt(_variance(n0, p0, d0) / n0 + _variance(n1, p1, d1) / n1)
            assert variations[(cle, axe)] == pytest.approx((variation, z), abs=1e-9)
    assert obtenu.keys() == attendu.keys()
    for cle, valeurs in attendu.items():
        assert obtenu[cle] == pytest.approx(valeurs, abs=1e-9), cle


def test_entonnoir_et_z_des_magasins_egaux_au_calcul_independant(entrepot_reel):
    """The latest window (the whole real dataset: 12 months): each store's funnel limits,
    z-values and alarm, from the fact's rows."""
    notes = defaultdict(list)
    for _, note, *_, magasin in _retours(entrepot_reel):
        notes[magasin].append(note)
    toutes = [x for liste in notes.values() for x in liste]
    n_r, p_r, d_r = _comptes(toutes)
    nps_r, v_r = _nps(n_r, p_r, d_r), _variance(n_r, p_r, d_r)
    lignes = requete(entrepot_reel, """
        select ref_magasin, nps, limite_basse_95, limite_haute_998, z_entonnoir, z_reste_reseau,
            est_alerte, position_entonnoir
        from analyse_nps.comparaison_nps_magasins
        where mois_fin_fenetre = (select max(mois_fin_fenetre)
                                  from analyse_nps.comparaison_nps_magasins)""")
    assert len(lignes) == 84
    for magasin, nps, basse_95, haute_998, z_ent, z_reste, alerte, position in lignes:
        n, p, d = _comptes(notes[magasin])
        if n == 0:
            assert (nps, z_ent, alerte, position) == (None, None, False, "sans réponse")
            continue
        assert nps == pytest.approx(_nps(n, p, d), abs=1e-9)
        assert basse_95 == pytest.approx(max(-100, nps_r - Z_95 * math.sqrt(v_r / n)), abs=1e-9)
        assert haute_998 == pytest.approx(min(100, nps_r + Z_998 * math.sqrt(v_r / n)), abs=1e-9)
        assert z_ent == pytest.approx((_nps(n, p, d) - nps_r) / math.sqrt(v_r / n), abs=1e-9)
        n_x, p_x, d_x = n_r - n, p_r - p, d_r - d
        attendu = (_nps(n, p, d) - _nps(n_x, p_x, d_x)) / math.sqrt(
            _variance(n, p, d) / n + _variance(n_x, p_x, d_x) / n_x)
        assert z_reste == pytest.approx(attendu, abs=1e-9)
        assert alerte == (abs(z_ent) > Z_998)
        assert alerte == position.endswith("99,8 %")


def test_sources_comparees_au_calcul_independant(entrepot_reel):
    notes = defaultdict(list)
    for _, note, source, *_ in _retours(entrepot_reel):
        notes[source].append(note)
    lignes = requete(entrepot_reel, "select source_a, source_b, ecart_nps, z_ecart_nps, "
                                    "est_ecart_significatif from analyse_nps.comparaison_nps_sources")
    assert len(lignes) == len(notes) * (len(notes) - 1) // 2
    for source_a, source_b, ecart, z, significatif in lignes:
        (na, pa, da), (nb, pb, db) = _comptes(notes[source_a]), _comptes(notes[source_b])
        attendu = _nps(na, pa, da) - _nps(nb, pb, db)
        assert ecart == pytest.approx(attendu, abs=1e-9)
        assert z == pytest.approx(attendu / math.sqrt(_variance(na, pa, da) / na
                                                      + _variance(nb, pb, db) / nb), abs=1e-9)
        assert significatif == (abs(z) > Z_95)


def test_classement_equitable_egal_au_calcul_independant(entrepot_reel):
    """Empirical Bayes by the method of moments, in Python; the raw ranks are q10's and q13's."""
    notes = defaultdict(list)
    for _, note, *_, magasin in _retours(entrepot_reel):
        notes[magasin].append(note)
    n_r, p_r, d_r = _comptes([x for liste in notes.values() for x in liste])
    nps_r, v_r = _nps(n_r, p_r, d_r), _variance(n_r, p_r, d_r)
    bruts = {m: _nps(*_comptes(liste)) for m, liste in notes.items()}
    tau2 = (statistics.pvariance(bruts.values())
            - statistics.fmean(v_r / len(liste) for liste in notes.values()))
    force = max(v_r / tau2 - 1, 0) if tau2 > 0 else None
    lignes = requete(entrepot_reel, "select ref_magasin, nps, poids_retrait_nps, nps_equitable, "
                                    "rang_note_moyenne from analyse_nps.classement_magasins_equitable")
    assert len(lignes) == len(notes) == 83  # one store of the 84 has no feedback
    for magasin, nps, poids, equitable, _ in lignes:
        n = len(notes[magasin])
        attendu = 0.0 if force is None else n / (n + force)
        assert nps == pytest.approx(bruts[magasin], abs=1e-9)
        assert poids == pytest.approx(attendu, abs=1e-9)
        assert equitable == pytest.approx(attendu * nps + (1 - attendu) * nps_r, abs=1e-9)
    # The raw ranking by average note is q10's: its top 5 (ties kept) are the stores ranked ≤ 5.
    top = {m for (m,) in requete(entrepot_reel, "select ref_magasin "
                                                "from answers.top_magasins_note_moyenne")}
    assert top == {m for m, *_, rang in lignes if rang <= 5}


def test_rapport_montre_pourquoi_le_nps_a_bouge(entrepot_echantillon):
    """The report's section, without a browser: the waterfall of every axe starts at the
    previous month's NPS and its parts add up to the model's change (so its total bar, which
    Plotly sums itself, is the month's NPS); the funnel and the fair ranking are shown."""
    from retailinsight.rapport import construire, figure_cascade, lire_modeles

    modeles = lire_modeles(entrepot_echantillon)
    variations = {v["axe"]: v for v in modeles["variation"]}
    assert set(variations) == set(AXES)
    figure = figure_cascade(modeles["variation"], modeles["decomposition"])
    assert len(figure.data) == 3
    for trace in figure.data:
        v = next(v for v in variations.values() if trace.name.startswith(
            {"source": "source", "categorie": "catégorie", "departement": "département"}[v["axe"]]))
        relatifs = [y for y, m in zip(trace.y, trace.measure) if m == "relative"]
        assert trace.measure[0] == "absolute" and trace.measure[-1] == "total"
        assert trace.y[0] == v["nps_avant"]
        assert abs(sum(relatifs) - v["variation_nps"]) < 1e-9
        assert abs(trace.y[0] + sum(relatifs) - v["nps_apres"]) < 1e-9
    page = construire(modeles)
    assert "Pourquoi le NPS a bougé" in page and "Entonnoir des magasins" in page
    assert f'data-variation="{variations["source"]["variation_nps"]!r}"' in page
    assert "Classement équitable des magasins" in page
    premier = modeles["classement_equitable"][0]
    assert f"<td>{premier['libelle_commune']}</td>" in page.replace("&#x27;", "'")
