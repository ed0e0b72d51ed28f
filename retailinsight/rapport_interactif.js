// The report's filters, in the page (retailinsight/rapport.py inlines this file after its data).
// DONNEES holds one row of counts per month x store x source x category (model
// rapport.agregats_rapport, restricted to the page's stores); every figure shown is summed from
// those counts here, with the project's formulas (macros nps_depuis_comptes and
// marge_erreur_nps_depuis_comptes). No feedback row is in the page.
"use strict";
(function () {
  const D = DONNEES;
  const NBSP = "\u00a0";
  // Row layout of D.lignes: month index, store ref, source index, category index, then counts.
  const [M, MAG, SRC, CAT, RET, REP, PRO, PAS, DET, SOM] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const magasins = Object.fromEntries(D.magasins.map((m) => [m.ref, m]));
  const $ = (id) => document.getElementById(id);

  // Numbers in French: « 3 000 », « 31,0 », « −4,2 ».
  function nb(x, dec = 1, signe = false) {
    if (x === null || x === undefined || Number.isNaN(x)) return "—";
    let t = Math.abs(x).toFixed(dec).split(".");
    t[0] = t[0].replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
    const s = x < 0 && Number(t.join(".")) !== 0 ? "−" : signe ? "+" : "";
    return s + t.join(",");
  }

  function vide() { return { ret: 0, rep: 0, pro: 0, pas: 0, det: 0, som: 0 }; }
  function ajouter(c, l) {
    c.ret += l[RET]; c.rep += l[REP]; c.pro += l[PRO]; c.pas += l[PAS]; c.det += l[DET];
    c.som += l[SOM];
    return c;
  }
  // NPS, margin, shares and average note of a sum of counts.
  function indicateurs(c) {
    const n = c.rep;
    if (!n) return { ...c, nps: null, marge: null, ppro: null, ppas: null, pdet: null, note: null, faible: true };
    const p = c.pro / n, d = c.det / n;
    return { ...c, nps: 100 * (c.pro - c.det) / n,
             marge: 1.96 * 100 * Math.sqrt((p + d - (p - d) * (p - d)) / n),
             ppro: 100 * p, ppas: 100 * c.pas / n, pdet: 100 * d, note: c.som / n,
             faible: n < D.seuil };
  }

  function filtres() {
    const v = (id) => ($(id) && $(id).value) || "";
    return { debut: Number(v("filtre-debut")), fin: Number(v("filtre-fin")),
             dep: v("filtre-departement"), mag: v("filtre-magasin"), src: v("filtre-source"),
             cat: v("filtre-categorie") };
  }
  // Rows passing every filter but the period; the period is applied by the caller (so the
  // same rows give the year before).
  function garder(l, f) {
    return (!f.dep || magasins[l[MAG]].dep === f.dep) && (!f.mag || String(l[MAG]) === f.mag)
      && (!f.src || String(l[SRC]) === f.src) && (!f.cat || String(l[CAT]) === f.cat);
  }
  function somme(lignes, cle) {
    const groupes = new Map();
    for (const l of lignes) {
      const k = cle(l);
      ajouter(groupes.get(k) || groupes.set(k, vide()).get(k), l);
    }
    return groupes;
  }
  const total = (lignes) => indicateurs(lignes.reduce(ajouter, vide()));

  // The tables: labels of a group, then the same indicators for every axis.
  const AXES = {
    mois: { cle: (l) => l[M], libelles: (k) => [D.mois[k]], ordre: (a, b) => a - b },
    source: { cle: (l) => l[SRC], libelles: (k) => [D.sources[k]] },
    categorie: { cle: (l) => l[CAT], libelles: (k) => [D.categories[k]] },
    departement: { cle: (l) => magasins[l[MAG]].dep, libelles: (k) => [k, D.departements[k]] },
    magasin: { cle: (l) => l[MAG],
               libelles: (k) => [magasins[k].nom, k, magasins[k].dep + " " + D.departements[magasins[k].dep]] },
  };
  function lignesTable(axe, lignes, avant) {
    const a = AXES[axe];
    const groupes = [...somme(lignes, a.cle).entries()].map(([k, c]) => [k, indicateurs(c)]);
    groupes.sort(a.ordre ? (x, y) => a.ordre(x[0], y[0]) : (x, y) => (y[1].rep - x[1].rep) || String(x[0]).localeCompare(String(y[0])));
    return groupes.map(([k, i]) => {
      const cellules = [...a.libelles(k), i.ret, i.rep, i.nps, i.marge, i.ppro, i.ppas, i.pdet, i.note];
      if (axe === "mois") {
        const o = D.objectifs[D.mois[k]];
        const un_an = avant.get(k - 12);
        cellules.push(o ? o[0] : null, o ? (o[1] ? "oui" : "non") : "", un_an ? indicateurs(un_an).nps : null);
      }
      return cellules;
    });
  }
  const DECIMALES = { "NPS": 1, "Marge à 95 % (±)": 1, "Promoteurs (%)": 1, "Passifs (%)": 1,
                      "Détracteurs (%)": 1, "Note moyenne": 2, "Objectif NPS": 1, "NPS un an avant": 1 };
  function rendreTable(t, lignes) {
    const tete = "<tr>" + t.entetes.map((e) => `<th>${echapper(e)}</th>`).join("") + "</tr>";
    const corps = lignes.map((l) => "<tr>" + l.map((v, j) =>
      typeof v === "number" ? `<td class="nombre">${nb(v, DECIMALES[t.entetes[j]] ?? 0)}</td>`
        : `<td>${echapper(v ?? "—")}</td>`).join("") + "</tr>").join("");
    $("table-" + t.id).innerHTML = `<table><thead>${tete}</thead><tbody>${corps || `<tr><td colspan="${t.entetes.length}">Aucun retour</td></tr>`}</tbody></table>`;
  }
  function echapper(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  // CSV for a French spreadsheet: ';', decimal comma, UTF-8 with BOM; a text cell starting with
  // = + - @ tab or CR is neutralised with a leading ' (formula injection), as in the Excel files.
  function neutraliser(s) { return /^[=+\-@\t\r]/.test(s) ? "'" + s : s; }
  function csv(t, lignes) {
    const cellule = (v, j) => {
      if (v === null || v === undefined) return "";
      const s = typeof v === "number" ? v.toFixed(DECIMALES[t.entetes[j]] ?? 0).replace(".", ",") : neutraliser(String(v));
      return /[;"\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    return "\ufeff" + [t.entetes.map(cellule), ...lignes.map((l) => l.map(cellule))].map((l) => l.join(";")).join("\r\n") + "\r\n";
  }

  const VERT = "#2e8b57", ORANGE = "#f0a030", ROUGE = "#c0392b", GRIS = "#b0b0b0", BLEU = "#1f5f99";
  const CONFIG = { displaylogo: false, responsive: true };
  function miseEnPage(titre, extra) {
    const etroit = window.innerWidth < 700;
    return Object.assign({ title: { text: titre, font: { size: etroit ? 14 : 17 } }, separators: ", ",
      template: "plotly_white", font: { size: etroit ? 11 : 13 }, height: 400,
      margin: { l: 60, r: 20, t: 60, b: 60 }, legend: { orientation: "h", y: -0.2 } }, extra || {});
  }
  // Bars coloured by how the NPS reads, one trace per colour so that the legend names them.
  const CLASSES = [["NPS ≥ 30", VERT, (i) => !i.faible && i.nps >= 30],
                   ["NPS de 0 à 30", ORANGE, (i) => !i.faible && i.nps >= 0 && i.nps < 30],
                   ["NPS négatif", ROUGE, (i) => !i.faible && i.nps < 0],
                   ["moins de " + D.seuil + " réponses", GRIS, (i) => i.faible]];
  function barresNps(groupes, libelle) {
    return CLASSES.map(([nom, couleur, test]) => {
      const g = groupes.filter(([, i]) => i.rep && test(i));
      return { type: "bar", name: nom, marker: { color: couleur }, x: g.map(([k]) => libelle(k)),
               y: g.map(([, i]) => i.nps), error_y: { type: "data", array: g.map(([, i]) => i.marge) },
               text: g.map(([, i]) => nb(i.nps) + " ± " + nb(i.marge)), textposition: "inside",
               customdata: g.map(([, i]) => i.rep),
               hovertemplate: "%{x} : NPS %{text}<br>%{customdata:,} réponses<extra></extra>" };
    }).filter((t) => t.x.length);
  }

  function dessiner() {
    const f = filtres();
    const choisies = D.lignes.filter((l) => garder(l, f));
    const periode = choisies.filter((l) => l[M] >= f.debut && l[M] <= f.fin);
    // A year before: the period's last 12 months at most (a longer period would overlap its
    // own year before), against the same months a year earlier.
    const d0 = Math.max(f.debut, f.fin - 11);
    const recent = total(choisies.filter((l) => l[M] >= d0 && l[M] <= f.fin));
    const anAvant = choisies.filter((l) => l[M] >= d0 - 12 && l[M] <= f.fin - 12);
    const g = total(periode), gAvant = total(anAvant);
    const k = $("kpi-nps");
    k.dataset.valeur = g.nps === null ? "" : String(g.nps);
    k.textContent = nb(g.nps);
    $("kpi-nps-detail").textContent = g.rep ? `± ${nb(g.marge)} points (marge à 95 %) sur ${nb(g.rep, 0)} réponses` : "aucune réponse";
    $("kpi-repartition").textContent = g.rep ? `${nb(g.ppro, 0)} / ${nb(g.ppas, 0)} / ${nb(g.pdet, 0)} %` : "—";
    $("kpi-note").textContent = nb(g.note, 2);
    $("kpi-an-avant").textContent = nb(gAvant.nps);
    $("kpi-an-avant").dataset.valeur = gAvant.nps === null ? "" : String(gAvant.nps);
    const depuis = d0 - 12 < 0 ? `${D.mois[0]} (début de l'historique : moins de 12 mois)` : D.mois[d0 - 12];
    $("kpi-an-avant-detail").textContent = gAvant.rep
      ? `${depuis} à ${D.mois[f.fin - 12]}, ${nb(gAvant.rep, 0)} réponses ; contre ${nb(recent.nps)} de ${D.mois[d0]} à ${D.mois[f.fin]} (écart ${nb(recent.nps === null ? null : recent.nps - gAvant.nps, 1, true)})`
      : "aucune réponse un an avant (historique trop court)";
    const mois = [...somme(periode, (l) => l[M]).entries()].sort((a, b) => a[0] - b[0]).map(([m, c]) => [m, indicateurs(c)]);
    const avecObjectif = mois.filter(([m]) => D.objectifs[D.mois[m]] && D.objectifs[D.mois[m]][0] !== null);
    const atteints = avecObjectif.filter(([m, i]) => i.nps !== null && i.nps >= D.objectifs[D.mois[m]][0]).length;
    $("kpi-objectif").textContent = avecObjectif.length ? `${atteints} / ${avecObjectif.length}` : "—";
    $("kpi-objectif-detail").textContent = avecObjectif.length ? "mois où le NPS atteint l'objectif" : "aucun objectif sur la période";
    if ($("kpi-reseau")) {
      const r = total(D.reseau.filter((l) => l[0] >= f.debut && l[0] <= f.fin && (!f.src || String(l[1]) === f.src) && (!f.cat || String(l[2]) === f.cat)).map((l) => [l[0], 0, l[1], l[2], ...l.slice(3)]));
      $("kpi-reseau").textContent = nb(r.nps);
      $("kpi-reseau").dataset.valeur = r.nps === null ? "" : String(r.nps);
      $("kpi-reseau-detail").textContent = r.rep ? `± ${nb(r.marge)} sur ${nb(r.rep, 0)} réponses (mêmes filtres)` : "aucune réponse";
    }
    // Banner when nothing is left; the small-sample note counts only months that hold responses.
    $("bandeau-vide").hidden = g.rep > 0;
    const petits = mois.filter(([, i]) => i.faible).length;
    $("note-mois").textContent = !mois.length ? "Aucun retour sur la période et les filtres choisis."
      : petits ? `Mois de moins de ${D.seuil} réponses : ${petits} sur ${mois.length}, à lire avec prudence.`
      : `Les ${mois.length} mois affichés ont chacun au moins ${D.seuil} réponses.`;

    // Monthly NPS, its margin, the target, the same month a year before (and the network).
    const x = mois.map(([m]) => D.mois[m]);
    const avant = somme(choisies, (l) => l[M]);
    const traces = [
      { type: "scatter", mode: "lines+markers", name: "NPS (± marge à 95 %)", x, y: mois.map(([, i]) => i.nps),
        line: { color: BLEU, width: 3 }, error_y: { type: "data", array: mois.map(([, i]) => i.marge) },
        customdata: mois.map(([, i]) => [i.rep, i.marge]),
        hovertemplate: "%{x} : NPS %{y:.1f} ± %{customdata[1]:.1f}<br>%{customdata[0]:,} réponses<extra></extra>" },
      { type: "scatter", mode: "lines+markers", name: "Même mois un an avant", x,
        y: mois.map(([m]) => avant.has(m - 12) ? indicateurs(avant.get(m - 12)).nps : null),
        line: { color: GRIS, dash: "dot", width: 2 }, hovertemplate: "%{x} − 12 mois : NPS %{y:.1f}<extra></extra>" },
      { type: "scatter", mode: "lines", name: "Objectif", x,
        y: mois.map(([m]) => (D.objectifs[D.mois[m]] || [null])[0]), line: { color: ORANGE, dash: "dash", width: 2 },
        customdata: mois.map(([m]) => (D.objectifs[D.mois[m]] || [0, false])[1] ? "objectif du dernier mois fixé, reporté" : "objectif du mois"),
        hovertemplate: "%{x} : objectif %{y:.1f} (%{customdata})<extra></extra>" },
    ];
    if (D.reseau) {
      const r = somme(D.reseau.filter((l) => (!f.src || String(l[1]) === f.src) && (!f.cat || String(l[2]) === f.cat)).map((l) => [l[0], 0, l[1], l[2], ...l.slice(3)]), (l) => l[M]);
      traces.push({ type: "scatter", mode: "lines", name: "Réseau", x, y: mois.map(([m]) => r.has(m) ? indicateurs(r.get(m)).nps : null),
                    line: { color: VERT, width: 2 }, hovertemplate: "%{x} : réseau %{y:.1f}<extra></extra>" });
    }
    Plotly.react("graphe-mois", traces, miseEnPage("NPS par mois, objectif et même mois un an avant",
      { yaxis: { title: { text: "NPS (points)" }, zeroline: true }, xaxis: { type: "category" }, height: 440 }), CONFIG);
    // Shares of the three groups: one axis in percent, no second scale.
    Plotly.react("graphe-repartition", [["ppro", "Promoteurs (9–10)", VERT], ["ppas", "Passifs (7–8)", GRIS], ["pdet", "Détracteurs (0–6)", ROUGE]].map(([cle, nom, couleur]) => (
      { type: "bar", name: nom, x, y: mois.map(([, i]) => i[cle]), marker: { color: couleur },
        hovertemplate: "%{x} : %{y:.1f} %<extra>" + nom + "</extra>" })),
      miseEnPage("Répartition des réponses par mois", { barmode: "stack", xaxis: { type: "category" }, yaxis: { title: { text: "part des réponses (%)" }, range: [0, 100], ticksuffix: " %" }, height: 340 }), CONFIG);

    const parGroupe = (cle) => [...somme(periode, cle).entries()].map(([k, c]) => [k, indicateurs(c)]).sort((a, b) => b[1].rep - a[1].rep);
    const sources = parGroupe((l) => l[SRC]);
    Plotly.react("graphe-sources", barresNps(sources, (k) => D.sources[k]),
      miseEnPage("NPS par source", { yaxis: { title: { text: "NPS (points)" } }, barmode: "overlay", showlegend: true,
        xaxis: { categoryorder: "array", categoryarray: sources.map(([k]) => D.sources[k]) } }), CONFIG);
    if ($("graphe-groupes")) {
      const parDep = D.perimetre.type === "reseau";
      const groupes = parGroupe(parDep ? (l) => magasins[l[MAG]].dep : (l) => l[MAG]).sort((a, b) => (b[1].nps ?? -999) - (a[1].nps ?? -999));
      Plotly.react("graphe-groupes", barresNps(groupes, parDep ? (k) => D.departements[k] : (k) => magasins[k].nom),
        miseEnPage(parDep ? "NPS par département" : "NPS par magasin", { yaxis: { title: { text: "NPS (points)" } }, xaxis: { automargin: true, tickangle: -30, categoryorder: "array", categoryarray: groupes.map(([k]) => parDep ? D.departements[k] : magasins[k].nom) }, barmode: "overlay", height: 440, showlegend: true }), CONFIG);
    }
    // Categories: feedback (left) and average note (right) as two panels sharing the labels;
    // horizontal bars so that long labels are never cut.
    const cats = parGroupe((l) => l[CAT]).reverse();
    const noms = cats.map(([k]) => D.categories[k]);
    Plotly.react("graphe-categories", [
      { type: "bar", orientation: "h", name: "Retours (part du total)", y: noms, x: cats.map(([, i]) => i.ret), marker: { color: BLEU },
        text: cats.map(([, i]) => `${nb(i.ret, 0)} (${nb(g.ret ? 100 * i.ret / g.ret : null)} %)`), textposition: "auto",
        hovertemplate: "%{y} : %{text}<extra></extra>" },
      { type: "bar", orientation: "h", name: "Note moyenne /10", y: noms, x: cats.map(([, i]) => i.note), marker: { color: ORANGE },
        xaxis: "x2", text: cats.map(([, i]) => nb(i.note, 2)), textposition: "auto", hovertemplate: "%{y} : note %{text}<extra></extra>" }],
      miseEnPage("Retours et note moyenne par catégorie", { height: 120 + 50 * Math.max(cats.length, 1),
        xaxis: { domain: [0, 0.55], title: { text: "retours" } }, xaxis2: { domain: [0.62, 1], range: [0, 10], title: { text: "note moyenne /10" } },
        yaxis: { automargin: true }, margin: { l: 20, r: 20, t: 60, b: 80 }, legend: { orientation: "h", y: -0.35 } }), CONFIG);

    // Stores on their coordinates, labelled with their names (no boundary data offline).
    const parMagasin = parGroupe((l) => l[MAG]);
    const places = parMagasin.filter(([m]) => magasins[m].lat !== null && magasins[m].lon !== null);
    Plotly.react("graphe-carte", [{ type: "scatter", mode: window.innerWidth < 700 || places.length > 30 ? "markers" : "markers+text", name: "magasins",
      x: places.map(([m]) => magasins[m].lon), y: places.map(([m]) => magasins[m].lat), text: places.map(([m]) => magasins[m].nom),
      textposition: "top center", textfont: { size: 10 },
      customdata: places.map(([m, i]) => `${magasins[m].nom} (n° ${m}, ${magasins[m].dep})<br>NPS ${nb(i.nps)} ± ${nb(i.marge)}, ${nb(i.rep, 0)} réponses${i.faible ? "<br>trop peu de réponses" : ""}`),
      hovertemplate: "%{customdata}<extra></extra>",
      marker: { size: places.map(([, i]) => 8 + Math.min(i.rep, 200) / 12), color: places.map(([, i]) => i.nps), colorscale: [[0, ROUGE], [0.25, ORANGE], [0.6, "#d8d860"], [1, VERT]], cmin: -20, cmax: 60,
                colorbar: { title: { text: "NPS" } }, opacity: places.map(([, i]) => i.faible ? 0.45 : 0.95), line: { width: 1, color: "#333" } } }],
      miseEnPage("Carte des magasins, couleur = NPS (taille = réponses)", { height: 520, showlegend: false,
        xaxis: { title: { text: "longitude" } }, yaxis: { title: { text: "latitude" }, scaleanchor: "x", scaleratio: 1.5 } }), CONFIG);

    for (const t of D.tables) {
      const lignes = lignesTable(t.axe, periode, avant);
      rendreTable(t, lignes);
      $("csv-" + t.id).onclick = () => telecharger(csv(t, lignes), t.fichier + ".csv", "text/csv;charset=utf-8");
    }
    $("resume-filtres").textContent = resumeFiltres(f);
  }
  function resumeFiltres(f) {
    const parts = [`${D.mois[f.debut]} à ${D.mois[f.fin]}`];
    if (f.dep) parts.push("département " + f.dep + " " + D.departements[f.dep]);
    if (f.mag) parts.push("magasin " + magasins[f.mag].nom);
    if (f.src) parts.push("source " + D.sources[f.src]);
    if (f.cat) parts.push("catégorie " + D.categories[f.cat]);
    return "Filtres : " + parts.join(", ") + ".";
  }
  function telecharger(texte, nom, type) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([texte], { type }));
    a.download = nom;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function options(select, valeurs, tous) {
    select.innerHTML = (tous ? `<option value="">${tous}</option>` : "") +
      valeurs.map(([v, t]) => `<option value="${echapper(v)}">${echapper(t)}</option>`).join("");
  }
  function initialiser() {
    if (!D.mois.length) {
      $("bandeau-vide").hidden = false;
      document.querySelectorAll(".filtres select").forEach((s) => { s.disabled = true; });
      return;
    }
    const mois = D.mois.map((m, i) => [i, m]);
    options($("filtre-debut"), mois);
    options($("filtre-fin"), mois);
    $("filtre-debut").value = "0";
    $("filtre-fin").value = String(D.mois.length - 1);
    const deps = [...new Set(D.magasins.map((m) => m.dep))].sort();
    options($("filtre-departement"), deps.map((d) => [d, d + " " + D.departements[d]]), "Tous les départements");
    const magasinsDe = () => D.magasins.filter((m) => !$("filtre-departement").value || m.dep === $("filtre-departement").value)
      .sort((a, b) => a.nom.localeCompare(b.nom, "fr")).map((m) => [m.ref, `${m.nom} (n° ${m.ref})`]);
    options($("filtre-magasin"), magasinsDe(), "Tous les magasins");
    options($("filtre-source"), D.sources.map((s, i) => [i, s]), "Toutes les sources");
    options($("filtre-categorie"), D.categories.map((s, i) => [i, s]), "Toutes les catégories");
    $("filtre-departement").addEventListener("change", () => { options($("filtre-magasin"), magasinsDe(), "Tous les magasins"); });
    document.querySelectorAll(".filtres select").forEach((s) => s.addEventListener("change", () => {
      if (Number($("filtre-debut").value) > Number($("filtre-fin").value)) $("filtre-fin").value = $("filtre-debut").value;
      dessiner();
    }));
    $("filtres-effacer").addEventListener("click", () => {
      $("filtre-debut").value = "0"; $("filtre-fin").value = String(D.mois.length - 1);
      for (const id of ["filtre-departement", "filtre-source", "filtre-categorie"]) $(id).value = "";
      options($("filtre-magasin"), magasinsDe(), "Tous les magasins");
      dessiner();
    });
    dessiner();
  }
  initialiser();
})();
