"""The customer-service lead's report and the store managers' pages, in French, offline.

    python -m retailinsight.rapport [--entrepot W] [--sortie rapport/rapport_nps.html]

writes the network's page (`--sortie`, self-contained: Plotly inlined) and beside it a folder
per département, `departement_<code>/`: its page, a page per store, Plotly's script once.
Every page has filters (period, département, store, source, category): the model
`rapport.agregats_rapport` (counts by month x store x source x category, no feedback row) is
embedded as JSON and `rapport_interactif.js` sums it in the browser, with the project's NPS and
margin formulas, to redraw the charts and tables. The Excel exports are those tables over all
of a page's data, written here with the same sums (`lignes_table`). Every other figure is read
from the models (schemas `answers`, `rapport`, `analyse_nps`): the stores to watch, why the NPS
moved, the stores' place in the network. The header names the data (`provenance_donnees`).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import io
import json
import math
from pathlib import Path

import plotly.graph_objects as go

from retailinsight import alertes as suivi, reglages
from retailinsight.entrepot import connecter
VERT, ORANGE, ROUGE, GRIS, BLEU = "#2e8b57", "#f0a030", "#c0392b", "#b0b0b0", "#1f5f99"
CONFIG = {"displaylogo": False, "responsive": True}


def _lire(base, sql: str) -> list[dict]:
    curseur = base.execute(sql)
    colonnes = [d[0] for d in curseur.description]
    return [dict(zip(colonnes, ligne)) for ligne in curseur.fetchall()]


def lire_modeles(entrepot: Path) -> dict[str, list[dict]]:
    """The rows of every model the report shows (ordering only, no computation)."""
    requetes = {
        "nps_global": "select * from answers.nps_global",
        "recommandation": "select * from answers.part_recommandation_client",
        "nps_mois": "select * from rapport.nps_mensuel_objectif order by mois",
        "nps_source": "select * from answers.nps_par_source order by libelle_source",
        "categories": "select * from answers.retours_par_categorie order by nb_retours desc",
        "typologies": "select * from answers.note_moyenne_par_typologie order by rang",
        "meilleurs": "select * from answers.top_magasins_note_moyenne order by rang, ref_magasin",
        "moins_bons": "select * from answers.magasins_sous_la_moyenne "
                      "order by note_moyenne, ref_magasin limit 10",
        "departements": "select c.*, n.nps, n.marge_erreur_95, n.nb_reponses, "
                        "n.est_echantillon_faible from answers.classement_departements_par_note c "
                        "join rapport.nps_par_departement n using (code_departement) "
                        "order by c.rang, c.code_departement",
        "magasins": "select * from rapport.nps_par_magasin order by ref_magasin",
        # Stores to watch: segmentation, segment map, stability, refresh interval.
        "segments": "select * from rapport.segments_magasin order by ordre",
        "segmentation": "select * from rapport.segmentation_magasins "
                        "order by ordre_segment, nps, ref_magasin",
        "segments_departements": "select * from rapport.segments_par_departement "
                                 "order by code_departement, ordre_segment",
        "categories_detracteurs": "select * from rapport.indicateurs_magasin_categorie "
                                  "where rang_detracteurs = 1 "
                                  "order by ref_magasin, libelle_categorie",
        "stabilite": "select * from rapport.stabilite_segments_magasin order by horizon_mois",
        "frequence": "select * from rapport.frequence_rafraichissement_segments",
        # Why the NPS moved: the latest month against the previous one, by axe and by part;
        # the stores in the funnel over the latest window; the fair ranking.
        "variation": "select * from analyse_nps.variation_nps where cle_comparaison = "
                     "(select max_by(cle_comparaison, debut_apres) from analyse_nps.variation_nps "
                     "where type_comparaison = 'mois') "
                     "order by axe = 'source' desc, axe = 'categorie' desc, axe",
        "decomposition": "select * from analyse_nps.decomposition_nps_parts "
                         "where cle_comparaison = (select max_by(cle_comparaison, debut_apres) "
                         "from analyse_nps.decomposition_nps_parts "
                         "where type_comparaison = 'mois') order by axe, part",
        "entonnoir": "select * from analyse_nps.comparaison_nps_magasins where mois_fin_fenetre = "
                     "(select max(mois_fin_fenetre) from analyse_nps.comparaison_nps_magasins) "
                     "and nb_reponses > 0 order by ref_magasin",
        "limites_entonnoir": "select * from analyse_nps.limites_entonnoir_magasins "
                             "where mois_fin_fenetre = (select max(mois_fin_fenetre) "
                             "from analyse_nps.limites_entonnoir_magasins) order by nb_reponses",
        "classement_equitable": "select * from analyse_nps.classement_magasins_equitable "
                                "order by rang_nps_equitable, rang_nps, ref_magasin",
        # The filters' counts (month x store x source x category) and where the data comes from.
        "agregats": "select * from rapport.agregats_rapport "
                    "order by mois, ref_magasin, libelle_source, libelle_categorie",
        "provenance": "select * from rapport.provenance_donnees",
    }
    with connecter(entrepot) as base:
        modeles = {nom: _lire(base, sql) for nom, sql in requetes.items()}
        # The alerts that hold now with their acknowledgement (none before a build with them).
        modeles["alertes"] = (suivi.etat_alertes(base)
                              if suivi._existe(base, "alertes", "alerte") else [])
    modeles["provenance"][0]["entrepot"] = str(entrepot)
    return modeles


def _nb(valeur, decimales=1, signe=False) -> str:
    """A number in French: « 3 000 », « 31,0 », « −4,2 » (no-break space between thousands)."""
    if valeur is None:
        return "—"
    texte = f"{valeur:+,.{decimales}f}" if signe else f"{valeur:,.{decimales}f}"
    return texte.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def _couleurs_nps(lignes):
    return [GRIS if l["est_echantillon_faible"] else (VERT if (l["nps"] or 0) >= 30 else
            ORANGE if (l["nps"] or 0) >= 0 else ROUGE) for l in lignes]


def _mise_en_page(figure, titre, hauteur=380):
    figure.update_layout(title=titre, height=hauteur, margin=dict(l=50, r=20, t=60, b=50),
                         separators=", ", template="plotly_white", font=dict(size=13))
    return figure


def figure_typologies(lignes):
    figure = go.Figure(go.Bar(
        y=[f"{l['rang']}. {l['typologie_produit']}" for l in lignes][::-1],
        x=[l["note_moyenne"] for l in lignes][::-1], orientation="h", marker_color=BLEU,
        text=[f"{_nb(l['note_moyenne'], 2)} ({l['nb_retours']} retours)" for l in lignes][::-1],
        textposition="auto"))
    figure.update_xaxes(title="note moyenne /10", range=[0, 10])
    return _mise_en_page(figure, "Note moyenne par typologie de produit", 320)


# Display colours of the segments (keys of `segments_magasin.code_segment`).
COULEURS_SEGMENTS = {"trop_peu_de_retours": GRIS, "a_suivre_de_pres": ROUGE,
                     "en_recul": ORANGE, "en_progres": "#7fbf7f", "solides": VERT,
                     "dans_la_norme": BLEU}


def figure_carte_segments(lignes, segments):
    figure = go.Figure()
    # The stores to watch drawn last, on top; the legend keeps the order of the rules.
    for segment in sorted(segments, key=lambda s: s["est_a_surveiller"]):
        places = [l for l in lignes if l["code_segment"] == segment["code_segment"]
                  and l["latitude"] is not None and l["longitude"] is not None]
        if not places:
            continue
        figure.add_scatter(
            x=[l["longitude"] for l in places], y=[l["latitude"] for l in places],
            mode="markers", name=f"{segment['segment']} ({segment['nb_magasins']})",
            legendrank=segment["ordre"],
            marker=dict(size=13 if segment["est_a_surveiller"] else 9,
                        color=COULEURS_SEGMENTS.get(segment["code_segment"], GRIS),
                        symbol="diamond" if segment["est_a_surveiller"] else "circle",
                        line=dict(width=1, color="#333")),
            text=[f"Magasin {l['ref_magasin']}, {l['libelle_commune']} ({l['code_departement']})"
                  f"<br>{l['segment']} : {l['motif']}<br>NPS {_nb(l['nps'])} ± "
                  f"{_nb(l['marge_erreur_95'])}, {l['nb_reponses']} réponses" for l in places],
            hovertemplate="%{text}<extra></extra>")
    figure.update_layout(legend=dict(orientation="h", y=-0.15))
    figure.update_xaxes(title="longitude", showgrid=True)
    figure.update_yaxes(title="latitude", scaleanchor="x", scaleratio=1.5)
    return _mise_en_page(figure, "Carte des segments de magasins", 560)


def figure_segments_departements(lignes, segments):
    figure = go.Figure()
    departements = list(dict.fromkeys(f"{l['code_departement']} {l['nom_departement']}"
                                      for l in lignes))
    for segment in segments:
        rangs = [l for l in lignes if l["code_segment"] == segment["code_segment"]]
        figure.add_bar(y=[f"{l['code_departement']} {l['nom_departement']}" for l in rangs],
                       x=[l["nb_magasins"] for l in rangs], orientation="h",
                       name=segment["segment"],
                       marker_color=COULEURS_SEGMENTS.get(segment["code_segment"], GRIS),
                       hovertemplate="%{y} : %{x} magasin(s)<extra>" + segment["segment"]
                                     + "</extra>")
    figure.update_layout(barmode="stack",
                         legend=dict(orientation="h", y=-0.2, traceorder="normal"),
                         yaxis=dict(categoryorder="array", categoryarray=departements[::-1]))
    figure.update_xaxes(title="magasins")
    return _mise_en_page(figure, "Segments des magasins par département", 420)


def figure_stabilite(lignes, frequence):
    horizons = [l["horizon_mois"] for l in lignes]
    figure = go.Figure()
    figure.add_scatter(
        x=horizons, y=[l["pct_magasins_meme_segment"] for l in lignes], mode="lines+markers",
        name="magasins gardant leur segment (%)", line=dict(color=BLEU, width=3),
        marker=dict(size=[16 if l["est_intervalle_recommande"] else 8 for l in lignes],
                    symbol=["star" if l["est_intervalle_recommande"] else "circle"
                            for l in lignes]),
        customdata=[[l["nb_paires_mois"], l["pct_magasins_meme_segment_min"]] for l in lignes],
        hovertemplate="k = %{x} mois : %{y:.1f} % (minimum %{customdata[1]:.1f} %, "
                      "%{customdata[0]} paires de mois)<extra></extra>")
    figure.add_scatter(
        x=horizons, y=[l["pct_magasins_juges_meme_segment"] for l in lignes],
        mode="lines+markers", name="parmi les magasins jugés aux deux dates (%)",
        line=dict(color=VERT, dash="dot"))
    figure.add_scatter(
        x=horizons, y=[l["indice_rand_ajuste"] for l in lignes], mode="lines+markers",
        name="indice de Rand ajusté (droite)", yaxis="y2", line=dict(color=GRIS, dash="dash"))
    if frequence["seuil_accord"] is not None:
        figure.add_hline(y=frequence["seuil_accord"], line=dict(color=ORANGE, dash="dash"),
                         annotation_text=f"seuil {_nb(frequence['seuil_accord'], 0)} %")
    figure.update_layout(xaxis=dict(title="k : mois entre deux calculs", dtick=1),
                         yaxis=dict(title="magasins gardant leur segment (%)", range=[0, 105]),
                         yaxis2=dict(title="indice de Rand ajusté", overlaying="y", side="right",
                                     range=[-0.3, 1.05], tickvals=[-0.25, 0, 0.25, 0.5, 0.75, 1],
                                     showgrid=False),
                         legend=dict(orientation="h", y=-0.25))
    return _mise_en_page(figure, "Stabilité de la segmentation d'un mois m au mois m + k", 440)


AXES = {"source": "source", "categorie": "catégorie de retour", "departement": "département"}


def figure_cascade(variations, parts):
    """The latest month's change of NPS as a waterfall: the previous month's NPS, each part's
    mix and performance effects (from `decomposition_nps_parts`), the month's NPS. One trace
    per axe, a menu to switch; an effect beyond its 95 % margin is marked ★ and bold."""
    figure = go.Figure()
    for i, v in enumerate(variations):
        x, y, mesures, textes = [f"NPS {v['debut_avant'].strftime('%m/%Y')}"], [v["nps_avant"]], \
            ["absolute"], [_nb(v["nps_avant"])]
        for p in (p for p in parts if p["axe"] == v["axe"]):
            for effet, nom in (("mix", "mix"), ("performance", "perf.")):
                significatif = p[f"est_effet_{effet}_significatif"]
                valeur = p[f"effet_{effet}"]
                x.append(f"{'★ ' if significatif else ''}{nom} : {p['part']}")
                y.append(valeur)
                mesures.append("relative")
                texte = _nb(valeur, 1, True)
                textes.append(f"<b>{texte}</b>" if significatif else texte)
        x.append(f"NPS {v['debut_apres'].strftime('%m/%Y')}")
        y.append(v["nps_apres"])
        mesures.append("total")
        textes.append(_nb(v["nps_apres"]))
        figure.add_waterfall(
            x=x, y=y, measure=mesures, text=textes, textposition="outside",
            name=AXES.get(v["axe"], v["axe"]), visible=(i == 0),
            increasing=dict(marker=dict(color=VERT)), decreasing=dict(marker=dict(color=ROUGE)),
            totals=dict(marker=dict(color=BLEU)), connector=dict(line=dict(color=GRIS)),
            hovertemplate="%{x} : %{y:+.2f}<extra></extra>")
    figure.update_layout(
        showlegend=False, yaxis=dict(title="NPS (points)"),
        updatemenus=[dict(type="buttons", direction="right", x=1, y=1.2, xanchor="right",
                          buttons=[dict(label=f"par {AXES.get(v['axe'], v['axe'])}",
                                        method="update",
                                        args=[{"visible": [j == i
                                                           for j in range(len(variations))]}])
                                   for i, v in enumerate(variations)])])
    figure.update_xaxes(tickangle=-35)
    _mise_en_page(figure, "Pourquoi le NPS a bougé : mix et performance", 540)
    return figure.update_layout(margin=dict(t=110))


def figure_entonnoir(magasins, limites):
    """Stores' NPS against their responses, with the funnel limits at 95 % and 99.8 %."""
    figure = go.Figure()
    n = [l["nb_reponses"] for l in limites]
    for cle, nom, style in (("limite_haute_998", "limite à 99,8 % (alerte)", "solid"),
                            ("limite_haute_95", "limite à 95 %", "dash"),
                            ("limite_basse_95", None, "dash"),
                            ("limite_basse_998", None, "solid")):
        figure.add_scatter(x=n, y=[l[cle] for l in limites], mode="lines", name=nom or cle,
                           showlegend=nom is not None, hoverinfo="skip",
                           line=dict(color=ROUGE if "998" in cle else ORANGE, dash=style))
    figure.add_scatter(x=n, y=[l["nps_reseau"] for l in limites], mode="lines",
                       name="NPS du réseau", line=dict(color=GRIS), hoverinfo="skip")
    figure.add_scatter(
        x=[m["nb_reponses"] for m in magasins], y=[m["nps"] for m in magasins], mode="markers",
        name="magasins",
        marker=dict(size=9, color=[ROUGE if m["est_alerte"] else BLEU
                                   if m["position_entonnoir"] == "dans les limites" else ORANGE
                                   for m in magasins]),
        text=[f"magasin {m['ref_magasin']} : NPS {_nb(m['nps'])} sur {m['nb_reponses']} réponses, "
              f"{m['position_entonnoir']}" for m in magasins],
        hovertemplate="%{text}<extra></extra>")
    figure.update_layout(legend=dict(orientation="h", y=-0.2))
    tailles = [m["nb_reponses"] for m in magasins] or [1]
    figure.update_xaxes(title="réponses sur la fenêtre (échelle logarithmique)", type="log",
                        range=[math.log10(max(1, min(tailles) / 2)),
                               math.log10(max(tailles) * 1.3)])
    figure.update_yaxes(title="NPS (points)", range=[-105, 105])
    return _mise_en_page(figure, "Entonnoir des magasins : NPS selon le nombre de réponses", 480)


def _frequence_en_clair(f) -> str:
    """The recommended refresh interval as the model gives it, in a sentence."""
    if f["intervalle_recommande_mois"] is None:
        return ("Historique trop court pour mesurer la stabilité : pas encore de fréquence "
                "recommandée.")
    k = f["intervalle_recommande_mois"]
    texte = ("Fréquence recommandée : <strong>recalculer la segmentation "
             + ("chaque mois" if k == 1 else f"tous les {k} mois") + "</strong>")
    if f["est_seuil_respecte"]:
        texte += (f" ; à cet intervalle, {_nb(f['pct_magasins_meme_segment'])} % des magasins "
                  f"gardent leur segment (seuil {_nb(f['seuil_accord'], 0)} %).")
    else:
        texte += (f" : même d'un mois sur l'autre, seuls {_nb(f['pct_magasins_meme_segment'])} % "
                  f"des magasins gardent leur segment, sous le seuil de "
                  f"{_nb(f['seuil_accord'], 0)} % ; lire les segments avec prudence.")
    if f["est_limite_par_historique"]:
        texte += (f" L'historique ne permet pas de tester plus de {f['horizon_max_observe']} "
                  "mois : un intervalle plus long pourrait convenir.")
    if f["nb_mois_evalues_fenetre_partielle"]:
        texte += (f" Sur les {f['nb_mois_evalues']} mois évalués, "
                  f"{f['nb_mois_evalues_fenetre_partielle']} ont une fenêtre de moins de "
                  f"{f['fenetre_mois']} mois (début de l'historique) : une partie des "
                  "changements vient de magasins qui atteignent le nombre de réponses "
                  "nécessaire pour être jugés.")
    return texte


def _table(lignes, colonnes) -> str:
    tete = "".join(f"<th>{html.escape(titre)}</th>" for titre, _ in colonnes)
    corps = "".join("<tr>" + "".join(f"<td>{html.escape(str(f(l)))}</td>" for _, f in colonnes)
                    + "</tr>" for l in lignes)
    return f"<table><thead><tr>{tete}</tr></thead><tbody>{corps}</tbody></table>"


def _pourquoi(modeles, cascade: str, entonnoir: str) -> str:
    """The section « Pourquoi le NPS a bougé »: the month's change and its parts, the funnel,
    the fair ranking beside the raw one (every figure read from models/marts/analyse/)."""
    variations = modeles["variation"]
    if not variations:
        return ('<section id="pourquoi-nps"><h2>Pourquoi le NPS a bougé</h2><p>Moins de deux '
                "mois de retours : pas encore de variation à expliquer.</p></section>")
    v = variations[0]
    effets = [("Axe", lambda l: AXES.get(l["axe"], l["axe"])),
              ("Effet de mix", lambda l: _nb(l["effet_mix"], 2, True)),
              ("Effet de performance", lambda l: _nb(l["effet_performance"], 2, True)),
              ("Variation du NPS", lambda l: _nb(l["variation_nps"], 2, True)),
              ("Parts au-delà de leur marge (mix / perf.)",
               lambda l: f"{l['nb_effets_mix_significatifs']} / "
                         f"{l['nb_effets_performance_significatifs']}")]
    alertes = [m for m in modeles["entonnoir"] if m["est_alerte"]]
    classement = modeles["classement_equitable"]
    poids = [l["poids_retrait_nps"] for l in classement]
    if not classement:
        pourquoi_differents = ""
    elif max(poids) == 0:
        pourquoi_differents = (
            "Les NPS des magasins ne s'écartent pas plus les uns des autres que le hasard ne le "
            "ferait avec autant de réponses : le classement équitable les ramène tous au NPS du "
            f"réseau ({_nb(classement[0]['nps_reseau'])}), ex æquo. Le classement brut, lui, ne "
            "mesure ici que du bruit : ne pas en tirer de palmarès.")
    else:
        pourquoi_differents = (
            "Le classement équitable ramène le NPS de chaque magasin vers celui du réseau "
            f"({_nb(classement[0]['nps_reseau'])}), d'autant plus qu'il a peu de réponses : "
            f"il garde entre {_nb(100 * min(poids), 0)} % et {_nb(100 * max(poids), 0)} % de son "
            "propre chiffre (poids). Un magasin qui brille sur quelques réponses descend ; un "
            "magasin régulier sur beaucoup de réponses monte.")
    colonnes = [("Rang équitable", lambda l: l["rang_nps_equitable"]),
                ("Rang brut (NPS)", lambda l: l["rang_nps"]),
                ("Magasin", lambda l: l["ref_magasin"]),
                ("Commune", lambda l: l["libelle_commune"]),
                ("Réponses", lambda l: l["nb_reponses"]),
                ("NPS brut", lambda l: _nb(l["nps"])),
                ("Poids", lambda l: f"{_nb(100 * l['poids_retrait_nps'], 0)} %"),
                ("NPS équitable", lambda l: _nb(l["nps_equitable"])),
                ("Rang note (q10)", lambda l: l["rang_note_moyenne"]),
                ("Rang note équitable", lambda l: l["rang_note_moyenne_equitable"])]
    colonnes_alertes = [("Magasin", lambda l: l["ref_magasin"]),
                        ("Réponses", lambda l: l["nb_reponses"]),
                        ("NPS", lambda l: _nb(l["nps"])),
                        ("Position", lambda l: l["position_entonnoir"]),
                        ("z contre le reste du réseau",
                         lambda l: _nb(l["z_reste_reseau"], 2, True))]
    bruit = ("plus grande que sa marge d'erreur à 95 % : un vrai mouvement"
             if v["est_variation_significative"] else
             "dans sa marge d'erreur à 95 % : elle peut venir du hasard")
    return f"""<section id="pourquoi-nps" data-variation="{v['variation_nps']!r}"
data-nps-avant="{v['nps_avant']!r}" data-nps-apres="{v['nps_apres']!r}">
<h2>Pourquoi le NPS a bougé</h2>
<p>De {v['debut_avant'].strftime('%m/%Y')} à {v['debut_apres'].strftime('%m/%Y')}, le NPS passe de
{_nb(v['nps_avant'])} à {_nb(v['nps_apres'])} : <strong>{_nb(v['variation_nps'], 1, True)}
points</strong> (± {_nb(v['marge_variation_95'])}), une variation {bruit}. Sur chaque axe, elle se
partage exactement en un <strong>effet de mix</strong> (la part des réponses venant de chaque
source, catégorie ou département a changé) et un <strong>effet de performance</strong> (le NPS a
changé à l'intérieur de chacun) : agir sur la performance, c'est agir là où elle a bougé.</p>
{_table(variations, effets)}
{cascade}<p class="note">★ et chiffre en gras : effet plus grand que sa marge d'erreur à 95 %.
Boutons : découper la variation par source, par catégorie de retour ou par département.</p>
<h3>Magasins face au réseau : l'entonnoir</h3>
<p>Chaque point est un magasin sur la fenêtre de la segmentation. Les courbes marquent ce que le
hasard seul produit autour du NPS du réseau pour un magasin de cette taille : un magasin hors
des limites à 95 % est inhabituel, un magasin hors des limites à 99,8 % est une alerte (sur 84
magasins sans vraie différence, moins d'une fausse alerte par mois).
{"Alertes : " + str(len(alertes)) + "." if alertes else "Aucune alerte sur cette fenêtre."}</p>
{_table(alertes, colonnes_alertes) if alertes else ""}
{entonnoir}
<h3>Classement équitable des magasins</h3>
<p>{pourquoi_differents} Les classements des questions q10 (note moyenne) et q13 (nombre de
retours) restent ceux demandés ; celui-ci les complète.</p>
{_table(classement[:10], colonnes)}
</section>"""


STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;
background:#f6f7f9}header{background:#1f5f99;color:#fff;padding:18px 32px}
main{max-width:1180px;margin:auto;padding:16px 24px}section{background:#fff;border-radius:8px;
padding:12px 20px;margin:16px 0;box-shadow:0 1px 3px #0002;overflow-x:auto}
.kpis{display:flex;gap:16px;flex-wrap:wrap}.kpi{flex:1;min-width:200px;background:#fff;border-radius:8px;padding:14px 18px;
box-shadow:0 1px 3px #0002}.kpi .valeur{font-size:2.2em;font-weight:700;color:#1f5f99}
.kpi .detail{color:#555;font-size:.9em}table{border-collapse:collapse;width:100%;
font-size:.92em}th,td{padding:5px 8px;border-bottom:1px solid #ddd;text-align:left}
th{background:#eef2f6}td.nombre{text-align:right;white-space:nowrap}
.grille{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media(max-width:900px){.grille{grid-template-columns:1fr}}.note{color:#666;font-size:.85em}
[hidden]{display:none!important}.alerte{background:#fdecea;border-left:4px solid #c0392b;
padding:10px 14px}.provenance{font-size:.9em;margin:6px 0}header code{color:#fff}
.filtres label{display:inline-block;margin:4px 12px 4px 0}.filtres select{max-width:260px}
.table-defilante{overflow-x:auto}.exports a,.exports button{margin-right:12px}
@media(max-width:600px){main{padding:8px}header{padding:12px 14px}section{padding:8px 10px}
.kpi{min-width:140px}.kpi .valeur{font-size:1.6em}}
"""


VIDE = ('<p class="alerte" id="entrepot-vide"><strong>L\'entrepôt ne contient aucun retour '
        "client</strong> : les exports n'en contiennent pas, ou une purge les a tous retirés. "
        "Les chiffres ci-dessous sont vides.</p>")


# The interactive part: the filters' counts embedded as JSON, every figure summed from them in
# the page (rapport_interactif.js). Its tables, one per axis, share these columns.
INDICATEURS = ["Retours", "Réponses", "NPS", "Marge à 95 % (±)", "Promoteurs (%)",
               "Passifs (%)", "Détracteurs (%)", "Note moyenne"]
TABLES = {
    "mois": ("Par mois", ["Mois"], ["Objectif NPS", "Objectif reporté", "NPS un an avant"]),
    "source": ("Par source", ["Source"], []),
    "categorie": ("Par catégorie de retour", ["Catégorie"], []),
    "departement": ("Par département", ["Code", "Département"], []),
    "magasin": ("Par magasin", ["Magasin", "N°", "Département"], []),
}
DECIMALES = {"NPS": 1, "Marge à 95 % (±)": 1, "Promoteurs (%)": 1, "Passifs (%)": 1,
             "Détracteurs (%)": 1, "Note moyenne": 2, "Objectif NPS": 1, "NPS un an avant": 1}
SCRIPT = Path(__file__).with_name("rapport_interactif.js")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _mois(date) -> str:
    return date.strftime("%Y-%m")


def _indicateurs(comptes: list[int]) -> list:
    """[retours, réponses, NPS, margin, shares, average note] of summed counts [retours,
    réponses, promoteurs, passifs, détracteurs, somme des notes]: the formulas of the macros
    nps_depuis_comptes and marge_erreur_nps_depuis_comptes, as the page's script applies them
    (the Excel files are the unfiltered tables; tests compare both with the models)."""
    retours, n, promoteurs, passifs, detracteurs, somme = comptes
    if not n:
        return [retours, n, None, None, None, None, None, None]
    p, d = promoteurs / n, detracteurs / n
    return [retours, n, 100 * (promoteurs - detracteurs) / n,
            1.96 * 100 * math.sqrt((p + d - (p - d) ** 2) / n), 100 * p, 100 * passifs / n,
            100 * d, somme / n]


def neutraliser(valeur: str) -> str:
    """A text cell that a spreadsheet would read as a formula (= + - @, tab, CR first) gets a
    leading ', as the page's CSV does."""
    return "'" + valeur if valeur[:1] in ("=", "+", "-", "@", "\t", "\r") else valeur


def classeur(titre: str, entetes: list[str], lignes: list[list]) -> bytes:
    """One table as an .xlsx file: French headers, numbers as numbers, text never a formula."""
    import xlsxwriter

    tampon = io.BytesIO()
    with xlsxwriter.Workbook(tampon, {"in_memory": True}) as livre:
        feuille = livre.add_worksheet(titre[:31])
        gras = livre.add_format({"bold": True, "bg_color": "#eef2f6"})
        formats = {d: livre.add_format({"num_format": "0." + "0" * d}) for d in (1, 2)}
        for j, entete in enumerate(entetes):
            feuille.write_string(0, j, entete, gras)
            feuille.set_column(j, j, max(12, len(entete) + 2))
        for i, ligne in enumerate(lignes, start=1):
            for j, valeur in enumerate(ligne):
                if isinstance(valeur, (int, float)):
                    feuille.write_number(i, j, valeur, formats.get(DECIMALES.get(entetes[j])))
                elif valeur is not None:
                    feuille.write_string(i, j, neutraliser(str(valeur)))
        feuille.freeze_panes(1, 0)
    return tampon.getvalue()


def donnees_page(modeles, perimetre: dict) -> dict:
    """What a page's script needs: every month of the history, the labels, the counts of the
    page's stores (`perimetre`: the network, one département or one store), the targets, and
    for a département's or a store's page the network's counts (no store in them)."""
    agregats = modeles["agregats"]
    magasins = [m for m in modeles["magasins"] if perimetre["type"] == "reseau"
                or (perimetre["type"] == "departement"
                    and m["code_departement"] == perimetre["code"])
                or m["ref_magasin"] == perimetre.get("ref")]
    refs = {m["ref_magasin"] for m in magasins}
    mois = []
    if agregats:
        courant, dernier = agregats[0]["mois"], max(a["mois"] for a in agregats)
        while courant <= dernier:  # every month, so that « a year before » is 12 steps back
            mois.append(_mois(courant))
            courant = (courant + dt.timedelta(days=32)).replace(day=1)
    index = {m: i for i, m in enumerate(mois)}
    sources = sorted({a["libelle_source"] for a in agregats})
    categories = sorted({a["libelle_categorie"] for a in agregats})
    comptes = ("nb_retours", "nb_reponses", "nb_promoteurs", "nb_passifs", "nb_detracteurs",
               "somme_notes")
    lignes = [[index[_mois(a["mois"])], a["ref_magasin"], sources.index(a["libelle_source"]),
               categories.index(a["libelle_categorie"]), *(a[c] for c in comptes)]
              for a in agregats if a["ref_magasin"] in refs]
    reseau = None
    if perimetre["type"] != "reseau":
        sommes = {}
        for a in agregats:
            cle = (index[_mois(a["mois"])], sources.index(a["libelle_source"]),
                   categories.index(a["libelle_categorie"]))
            sommes[cle] = [x + a[c] for x, c in zip(sommes.get(cle, [0] * 6), comptes)]
        reseau = [[*cle, *valeurs] for cle, valeurs in sorted(sommes.items())]
    axes = {"reseau": ["mois", "source", "categorie", "departement", "magasin"],
            "departement": ["mois", "source", "categorie", "magasin"],
            "magasin": ["mois", "source", "categorie"]}[perimetre["type"]]
    return {
        "mois": mois, "sources": sources, "categories": categories, "seuil": 30,
        "departements": {m["code_departement"]: m["nom_departement"] for m in magasins},
        "magasins": [{"ref": m["ref_magasin"], "nom": m["libelle_commune"],
                      "dep": m["code_departement"], "lat": m["latitude"], "lon": m["longitude"]}
                     for m in magasins],
        "lignes": lignes, "reseau": reseau, "perimetre": perimetre,
        "objectifs": {_mois(m["mois"]): [m["objectif_nps"], bool(m["est_objectif_reporte"])]
                      for m in modeles["nps_mois"] if m["objectif_nps"] is not None},
        "tables": [{"id": axe, "axe": axe, "titre": TABLES[axe][0],
                    "entetes": TABLES[axe][1] + INDICATEURS + TABLES[axe][2],
                    "fichier": f"{perimetre['fichier']}-{axe}"} for axe in axes],
    }


def lignes_table(donnees: dict, axe: str) -> list[list]:
    """A table of the page over all its data (no filter): the Excel export's rows, in the
    order the script shows them."""
    magasins = {m["ref"]: m for m in donnees["magasins"]}
    cles = {"mois": lambda l: l[0], "source": lambda l: l[2], "categorie": lambda l: l[3],
            "departement": lambda l: magasins[l[1]]["dep"], "magasin": lambda l: l[1]}
    sommes = {}
    for l in donnees["lignes"]:
        k = cles[axe](l)
        sommes[k] = [x + y for x, y in zip(sommes.get(k, [0] * 6), l[4:])]
    libelles = {
        "mois": lambda k: [donnees["mois"][k]], "source": lambda k: [donnees["sources"][k]],
        "categorie": lambda k: [donnees["categories"][k]],
        "departement": lambda k: [k, donnees["departements"][k]],
        "magasin": lambda k: [magasins[k]["nom"], k, f"{magasins[k]['dep']} "
                              f"{donnees['departements'][magasins[k]['dep']]}"]}
    ordre = sorted(sommes, key=(lambda k: k) if axe == "mois"
                   else (lambda k: (-sommes[k][1], str(k))))
    lignes = []
    for k in ordre:
        ligne = libelles[axe](k) + _indicateurs(sommes[k])
        if axe == "mois":
            objectif = donnees["objectifs"].get(donnees["mois"][k])
            un_an = sommes.get(k - 12)
            ligne += [objectif[0] if objectif else None,
                      ("oui" if objectif[1] else "non") if objectif else "",
                      _indicateurs(un_an)[2] if un_an else None]
        lignes.append(ligne)
    return lignes


def _provenance(modeles) -> str:
    p = modeles["provenance"][0]
    periode = (f"achats du {p['premiere_date_achat'].strftime('%d/%m/%Y')} au "
               f"{p['derniere_date_achat'].strftime('%d/%m/%Y')}"
               if p["premiere_date_achat"] else "aucun achat")
    return (f'<p class="provenance" id="provenance">Données : dossier brut <strong>'
            f'{html.escape(p["nom_dossier_brut"] or "—")}</strong>, {periode} '
            f"({_nb(p['nb_retours'], 0)} retours), entrepôt <code>{html.escape(p['entrepot'])}"
            f"</code> construit le {p['construit_le'].strftime('%d/%m/%Y à %H:%M')} (UTC).</p>")


def _explorateur(modeles, perimetre: dict) -> tuple[str, str]:
    """The filters, the indicators, the charts and the tables of a page, and its data as a
    script (placed after Plotly's)."""
    donnees = donnees_page(modeles, perimetre)
    type_ = perimetre["type"]
    cache = ' hidden' if type_ != "reseau" else ""
    tables = []
    for t in donnees["tables"]:
        xlsx = base64.b64encode(classeur(t["titre"], t["entetes"],
                                         lignes_table(donnees, t["axe"]))).decode()
        tables.append(
            f'<h3>{t["titre"]}</h3><p class="exports"><button type="button" id="csv-{t["id"]}">'
            f'CSV (filtres appliqués)</button> <a id="xlsx-{t["id"]}" '
            f'download="{t["fichier"]}.xlsx" href="data:{XLSX};base64,{xlsx}">'
            "Excel (toute la page, sans filtre)</a></p>"
            f'<div class="table-defilante" id="table-{t["id"]}"></div>')
    reseau = ('<div class="kpi"><div>NPS du réseau</div><div class="valeur" id="kpi-reseau">'
              '</div><div class="detail" id="kpi-reseau-detail"></div></div>'
              if type_ != "reseau" else "")
    groupes = '<section><div id="graphe-groupes"></div></section>' if type_ != "magasin" else ""
    carte = ('<section><div id="graphe-carte"></div><p class="note">Pas de fond de carte : '
             "aucune donnée de limites des départements n'est disponible hors ligne ; chaque "
             "magasin est placé à ses coordonnées.</p></section>" if type_ != "magasin" else
             '<div id="graphe-carte" hidden></div>')
    corps = f"""<section class="filtres"><h2>Filtres</h2>
<label>Du <select id="filtre-debut"></select></label>
<label>au <select id="filtre-fin"></select></label>
<label{cache}>Département <select id="filtre-departement"></select></label>
<label{' hidden' if type_ == "magasin" else ""}>Magasin
<select id="filtre-magasin"></select></label>
<label>Source <select id="filtre-source"></select></label>
<label>Catégorie <select id="filtre-categorie"></select></label>
<button type="button" id="filtres-effacer">Tout afficher</button>
<p class="note" id="resume-filtres"></p></section>
<p class="alerte" id="bandeau-vide" hidden><strong>Aucun retour client sur la période et les
filtres choisis</strong> : les chiffres ci-dessous sont vides. Élargir la période ou les
filtres.</p>
<div class="kpis">
<div class="kpi"><div>NPS</div><div class="valeur" id="kpi-nps"></div>
<div class="detail" id="kpi-nps-detail"></div></div>
<div class="kpi"><div>Promoteurs / passifs / détracteurs</div>
<div class="valeur" id="kpi-repartition"></div>
<div class="detail">notes 9–10 / 7–8 / 0–6</div></div>
<div class="kpi"><div>Note moyenne /10</div><div class="valeur" id="kpi-note"></div></div>
<div class="kpi"><div>NPS un an avant</div><div class="valeur" id="kpi-an-avant"></div>
<div class="detail" id="kpi-an-avant-detail"></div></div>
<div class="kpi"><div>Objectif atteint</div><div class="valeur" id="kpi-objectif"></div>
<div class="detail" id="kpi-objectif-detail"></div></div>{reseau}
</div>
<section><div id="graphe-mois"></div><p class="note" id="note-mois"></p>
<div id="graphe-repartition"></div><p class="note">Barres d'erreur : marge d'erreur à 95 % du
NPS. Objectif : celui du mois (modèle <code>rapport.nps_mensuel_objectif</code>) ; un mois sans
objectif prend le dernier fixé avant lui (« reporté » dans le tableau).</p></section>
<div class="grille"><section><div id="graphe-sources"></div></section>
<section><div id="graphe-categories"></div></section></div>
{groupes}{carte}
<section id="tableaux"><h2>Tableaux</h2><p class="note">CSV : la table affichée, filtres
appliqués (séparateur « ; », virgule décimale). Excel : la table sur toutes les données de la
page, sans filtre. Un libellé commençant par =, +, − ou @ y est précédé d'une apostrophe.</p>
{"".join(tables)}</section>"""
    # A label holding "</script>" must not close the script: JSON allows "<\/".
    texte = json.dumps(donnees, ensure_ascii=False).replace("</", "<\\/")
    return corps, (f"<script>const DONNEES = {texte};\n"
                   f"{SCRIPT.read_text(encoding='utf-8')}</script>")


def _nom_magasin(l) -> str:
    return f"{l['libelle_commune']} (n° {l['ref_magasin']})"


def _entete(titre: str, modeles, maintenant: dt.datetime, lien: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(titre)}</title><style>{STYLE}</style></head>\n"
            f"<body><header><h1>{html.escape(titre)}</h1>{lien}{_provenance(modeles)}"
            f'<div>Rapport généré le {maintenant.strftime("%d/%m/%Y à %H:%M")} à partir des '
            "modèles testés de l'entrepôt RetailInsight360.</div></header><main>\n")


PIED = ('<p class="note">NPS = (notes 9–10 − notes 0–6) / nombre de notes × 100, de −100 à +100. '
        "Marge à 95 % = 1,96 × √((p + d − (p − d)²) / n). Un NPS sur moins de 30 réponses est "
        "trop incertain pour être lu.</p>")


def construire(modeles: dict[str, list[dict]], maintenant: dt.datetime | None = None) -> str:
    """The network's report: the filtered part, then the analyses over the whole network
    (typologies, best and worst stores, stores to watch, why the NPS moved), from the models."""
    maintenant = maintenant or dt.datetime.now()
    g = modeles["nps_global"][0]
    figures = [
        figure_typologies(modeles["typologies"]),
        figure_carte_segments(modeles["segmentation"], modeles["segments"]),
        figure_segments_departements(modeles["segments_departements"], modeles["segments"]),
        figure_stabilite(modeles["stabilite"], modeles["frequence"][0]),
        figure_cascade(modeles["variation"], modeles["decomposition"]),
        figure_entonnoir(modeles["entonnoir"], modeles["limites_entonnoir"]),
    ]
    blocs = [f.to_html(full_html=False, include_plotlyjs=(i == 0), config=CONFIG,
                       div_id=f"figure-{i}") for i, f in enumerate(figures)]
    explorateur, script = _explorateur(modeles, {"type": "reseau", "fichier": "reseau"})
    magasin = [("Rang", lambda l: l["rang"]), ("Magasin", _nom_magasin),
               ("Département", lambda l: f"{l['code_departement']} {l['nom_departement']}"),
               ("Retours", lambda l: _nb(l["nb_retours"], 0)),
               ("Note moyenne", lambda l: _nb(l["note_moyenne"], 2))]
    moins_bons = [*magasin[1:],
                  ("Écart à la moyenne", lambda l: _nb(l["ecart_a_la_moyenne"], 2, True))]
    departements = [("Rang", lambda l: l["rang"]),
                    ("Département", lambda l: f"{l['code_departement']} {l['nom_departement']}"),
                    ("Retours", lambda l: _nb(l["nb_retours"], 0)),
                    ("Note moyenne", lambda l: _nb(l["note_moyenne"], 2)),
                    ("NPS ± marge", lambda l: f"{_nb(l['nps'])} ± {_nb(l['marge_erreur_95'])}"),
                    ("Page", lambda l: f"departement_{l['code_departement']}/index.html")]
    frequence = modeles["frequence"][0]
    a_surveiller = [l for l in modeles["segmentation"] if l["est_a_surveiller"]]
    categories = {}
    for l in modeles["categories_detracteurs"]:
        categories.setdefault(l["ref_magasin"], []).append(
            f"{l['libelle_categorie']} ({l['nb_detracteurs']})")
    surveilles = [
        ("Segment", lambda l: l["segment"]), ("Magasin", _nom_magasin),
        ("Département", lambda l: f"{l['code_departement']} {l['nom_departement']}"),
        ("Pourquoi", lambda l: l["motif"]),
        ("NPS ± marge (réseau)", lambda l: f"{_nb(l['nps'])} ± {_nb(l['marge_erreur_95'])} "
                                           f"({_nb(l['nps_reseau'])})"),
        ("Détracteurs (réseau)", lambda l: f"{_nb(l['pct_detracteurs'])} % "
                                           f"({_nb(l['pct_detracteurs_reseau'])} %)"),
        ("Tendance du NPS ± marge", lambda l: f"{_nb(l['tendance_nps'], 1, True)} ± "
                                              f"{_nb(l['marge_tendance_nps_95'])}"),
        ("Réponses", lambda l: _nb(l["nb_reponses"], 0)),
        ("Sans avis sur la recommandation", lambda l: f"{_nb(l['pct_recommandation_inconnue'])} %"),
        ("Détracteurs surtout sur", lambda l: ", ".join(categories.get(l["ref_magasin"], []))
         or "—"),
    ]
    colonnes_segments = [("Segment", lambda l: l["segment"]),
                         ("Règle", lambda l: l["description"]),
                         ("Magasins", lambda l: l["nb_magasins"])]
    pourquoi = _pourquoi(modeles, blocs[4], blocs[5])
    fenetre = (f"{modeles['segmentation'][0]['mois_debut_fenetre'].strftime('%m/%Y')} à "
               f"{modeles['segmentation'][0]['mois_fin_fenetre'].strftime('%m/%Y')}"
               if modeles["segmentation"] else "—")
    reco = modeles["recommandation"][0]
    return f"""{_entete("BestMarket — NPS et retours clients", modeles, maintenant)}
{VIDE if not g['nb_reponses'] else ""}<p id="nps-global" data-valeur="{g['nps']!r}" hidden></p>
{explorateur}
{_alertes(modeles.get("alertes", []))}
<h2 class="hors-filtres">Sur tout le réseau et tout l'historique (hors filtres)</h2>
<p class="note">Les analyses ci-dessous sont celles des modèles, sur tout le réseau : les filtres
ne les changent pas. NPS global {_nb(g['nps'])} ± {_nb(g['marge_erreur_95'])} sur
{_nb(g['nb_reponses'], 0)} réponses ; {_nb(reco['pct_recommandation'])} % des clients qui ont
répondu recommandent ({_nb(reco['nb_oui'], 0)} oui, {_nb(reco['nb_non'], 0)} non,
{_nb(reco['nb_inconnu'], 0)} sans réponse, non comptés).</p>
<section>{blocs[0]}</section>
<section><h2>Les meilleurs magasins (note moyenne, ex æquo inclus)</h2>
{_table(modeles["meilleurs"], magasin)}
<h2>Les magasins les moins bien notés (sous la moyenne générale)</h2>
{_table(modeles["moins_bons"], moins_bons)}</section>
<section><h2>Classement des départements par note</h2>
{_table(modeles["departements"], departements)}</section>
<section id="magasins-a-suivre"><h2>Magasins à suivre</h2>
<p>Segmentation des magasins sur les {frequence['fenetre_mois']} derniers mois de données
({fenetre}). Un écart au réseau ou une tendance ne compte que s'il dépasse sa marge d'erreur
à 99,8 % (3,09 écarts-types : sur 84 magasins sans vraie différence, moins d'une fausse alerte
par mois) ; un magasin qui a trop peu de réponses n'est jamais jugé. Les règles sont appliquées
dans l'ordre du tableau : chaque magasin est dans un seul segment.</p>
{_table(modeles["segments"], colonnes_segments)}
<h3>Les magasins à suivre ({len(a_surveiller)}) et pourquoi</h3>
{_table(a_surveiller, surveilles) if a_surveiller else
 "<p>Aucun magasin à suivre sur cette fenêtre.</p>"}
{blocs[1]}{blocs[2]}
<h3>Stabilité de la segmentation et fréquence de mise à jour</h3>
<p id="frequence-segments" data-mois="{frequence['intervalle_recommande_mois']}">
{_frequence_en_clair(frequence)}</p>
{blocs[3]}<p class="note">La segmentation est recalculée à la fin de chaque mois de
l'historique sur sa fenêtre glissante, puis comparée à celle de k mois plus tard : part des
magasins qui gardent leur segment (tous, et parmi ceux jugés aux deux dates) et indice de Rand
ajusté (1 = même partition, 0 = pas mieux que le hasard). La fréquence recommandée est le plus
grand k pour lequel la part reste au-dessus du seuil à tous les horizons jusqu'à k.</p>
</section>
{pourquoi}
{PIED}
</main>{script}</body></html>
"""


ETATS_ALERTE = {"nouvelle": "nouvelle", "vue": "vue", "traitee": "traitée"}


def _alertes(lignes) -> str:
    """The alerts that hold now, with their state in the acknowledgement log (`bestmarket
    alerts ack`); overdue: open for more than 48 hours and not handled."""
    colonnes = [("Alerte", lambda l: l["message"]),
                ("Période", lambda l: f"{l['periode_debut']:%d/%m/%Y} – {l['periode_fin']:%d/%m/%Y}"),
                ("Gravité", lambda l: l["gravite"]),
                ("État", lambda l: ETATS_ALERTE.get(l["etat"], l["etat"])
                 + (" (en retard)" if l["est_en_retard"] else "")),
                ("Vue depuis", lambda l: f"{l['date_ouverture']:%d/%m/%Y}"
                 if l["date_ouverture"] else "—"),
                ("Identifiant", lambda l: l["id_alerte"])]
    corps = (_table(lignes, colonnes) if lignes else
             "<p>Aucune alerte en cours sur les dernières données.</p>")
    return (f'<section id="alertes" data-nombre="{len(lignes)}"><h2>Alertes en cours</h2>'
            '<p class="note">Recalculées à chaque rafraîchissement ; une alerte se marque vue '
            "ou traitée avec <code>bestmarket alerts ack</code>.</p>" f"{corps}</section>")


def _position(modeles, refs: set) -> str:
    """Where the page's stores stand in the network over the segmentation's window: their
    NPS against the rest of the network (comparaison_nps_magasins), segment and trend
    (segmentation_magasins), fair rank (classement_magasins_equitable)."""
    entonnoir = {l["ref_magasin"]: l for l in modeles["entonnoir"]}
    equitable = {l["ref_magasin"]: l for l in modeles["classement_equitable"]}
    lignes = [dict(l, **{"comparaison": entonnoir.get(l["ref_magasin"]),
                         "equitable": equitable.get(l["ref_magasin"])})
              for l in modeles["segmentation"] if l["ref_magasin"] in refs]
    lignes.sort(key=lambda l: l["libelle_commune"])
    if not lignes:
        return ""
    total = len(modeles["classement_equitable"])
    colonnes = [
        ("Magasin", lambda l: _nom_magasin(l)),
        ("Réponses", lambda l: _nb(l["nb_reponses"], 0)),
        ("NPS ± marge", lambda l: f"{_nb(l['nps'])} ± {_nb(l['marge_erreur_95'])}"),
        ("Reste du réseau", lambda l: _nb(l["comparaison"]["nps_reste_reseau"])
         if l["comparaison"] else "—"),
        ("Écart significatif ?", lambda l: (f"{l['comparaison']['position_entonnoir']} (z = "
                                           f"{_nb(l['comparaison']['z_reste_reseau'], 2, True)})"
                                           + (", alerte" if l["comparaison"]["est_alerte"] else ""))
         if l["comparaison"] else "trop peu de réponses"),
        ("Tendance ± marge", lambda l: f"{_nb(l['tendance_nps'], 1, True)} ± "
                                       f"{_nb(l['marge_tendance_nps_95'])}"),
        ("Segment", lambda l: f"{l['segment']} : {l['motif']}"),
        ("Rang équitable", lambda l: f"{l['equitable']['rang_nps_equitable']} sur {total}"
         if l["equitable"] else "—"),
    ]
    fenetre = (f"{lignes[0]['mois_debut_fenetre'].strftime('%m/%Y')} à "
               f"{lignes[0]['mois_fin_fenetre'].strftime('%m/%Y')}")
    return (f'<section id="position"><h2>Place dans le réseau ({fenetre})</h2>'
            f"<p>Sur les derniers mois de la segmentation : le NPS du magasin face à celui du "
            "reste du réseau (le magasin retiré) ; un écart n'est une alerte qu'au-delà de 99,8 % "
            "(moins d'une fausse alerte par mois sur 84 magasins).</p>"
            f"{_table(lignes, colonnes)}</section>")


def page_perimetre(modeles, perimetre: dict, maintenant: dt.datetime,
                   liens: list[tuple[str, str]] = ()) -> str:
    """A département's page or a store's: its own figures, filters and exports; it names no
    store of another département (only the network's totals)."""
    explorateur, script = _explorateur(modeles, perimetre)
    refs = {m["ref_magasin"] for m in modeles["magasins"]
            if (perimetre["type"] == "departement" and m["code_departement"] == perimetre["code"])
            or m["ref_magasin"] == perimetre.get("ref")}
    lien = ('<div><a href="index.html">← la page du département</a></div>'
            if perimetre["type"] == "magasin" else "")
    pages = ("<section><h2>Les pages des magasins</h2><ul>" + "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(nom)}</a></li>' for nom, href in liens)
        + "</ul></section>") if liens else ""
    vide = "" if any(a["ref_magasin"] in refs for a in modeles["agregats"]) else (
        '<p class="alerte" id="perimetre-vide"><strong>Aucun retour client pour ce périmètre'
        "</strong> dans l'entrepôt.</p>")
    siennes = [a for a in modeles.get("alertes", [])
               if (perimetre["type"] == "departement" and a["code_departement"] == perimetre["code"])
               or (a["niveau_portee"] == "magasin" and a["code_portee"] == str(perimetre.get("ref")))]
    return (f"{_entete(perimetre['titre'], modeles, maintenant, lien)}{vide}"
            f"{_position(modeles, refs)}{_alertes(siennes)}{explorateur}{pages}{PIED}"
            '</main><script src="plotly.min.js"></script>'
            f"{script}</body></html>\n")


def ecrire_pages(modeles, dossier: Path, maintenant: dt.datetime | None = None) -> list[Path]:
    """A folder per département, `dossier/departement_<code>/`: its page (index.html), a page per
    store (magasin_<ref>.html) and Plotly's script once (plotly.min.js), so that a
    département's managers receive their stores only. Returns the pages written."""
    from plotly.offline import get_plotlyjs

    maintenant = maintenant or dt.datetime.now()
    ecrites = []
    departements = {m["code_departement"]: m["nom_departement"] for m in modeles["magasins"]}
    for code, nom in sorted(departements.items()):
        cible = dossier / f"departement_{code}"
        cible.mkdir(parents=True, exist_ok=True)
        (cible / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
        magasins = sorted((m for m in modeles["magasins"] if m["code_departement"] == code),
                          key=lambda m: m["libelle_commune"])
        liens = [(_nom_magasin(m), f"magasin_{m['ref_magasin']}.html") for m in magasins]
        pages = {"index.html": page_perimetre(
            modeles, {"type": "departement", "code": code, "fichier": f"departement_{code}",
                      "titre": f"BestMarket — {code} {nom} : NPS et retours clients"},
            maintenant, liens)}
        for m in magasins:
            pages[f"magasin_{m['ref_magasin']}.html"] = page_perimetre(
                modeles, {"type": "magasin", "ref": m["ref_magasin"],
                          "fichier": f"magasin_{m['ref_magasin']}",
                          "titre": f"BestMarket — magasin {_nom_magasin(m)} : NPS et retours "
                                   "clients"}, maintenant)
        for nom_page, texte in pages.items():
            (cible / nom_page).write_text(texte, encoding="utf-8")
            ecrites.append(cible / nom_page)
    return ecrites


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepot", type=Path, default=reglages.ENTREPOT.chemin())
    parser.add_argument("--sortie", type=Path, default=reglages.RAPPORT.chemin())
    args = parser.parse_args(argv)
    modeles = lire_modeles(args.entrepot)
    maintenant = dt.datetime.now()
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(construire(modeles, maintenant), encoding="utf-8")
    pages = ecrire_pages(modeles, args.sortie.parent, maintenant)
    print(f"report written: {args.sortie}, and {len(pages)} pages in "
          f"{args.sortie.parent}/departement_*/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
