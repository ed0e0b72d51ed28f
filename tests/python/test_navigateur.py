"""The report and the docs site in headless Chromium (Debian's package): each page loads with
no console error and no request leaving the machine, a screenshot is kept, the global NPS
shown on the report equals the global NPS answer model, and the waterfalls of « Pourquoi le NPS
a bougé » add up to the model's change."""

import functools
import http.server
import os
import tempfile
import threading
from pathlib import Path

import pytest

from support.chemins import ECHANTILLON, RACINE
from support.commandes import lancer_module
from support.lecture import requete

CHROMIUM = "/usr/bin/chromium"
# Screenshots go to BESTMARKET_CAPTURES_DIR (CI may keep them), by default a temporary folder:
# never into the project's own rapport/.
CAPTURES = Path(os.environ.get("BESTMARKET_CAPTURES_DIR") or tempfile.mkdtemp(prefix="captures-"))
ARGUMENTS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Known defects of the dbt-docs bundle itself (dbt-core 1.11): it requests two un-rendered
# Angular templates as icon URLs and a favicon path that its build never rewrote. Nothing else
# is tolerated.
DEFAUTS_DBT_DOCS = ("%7B%7B%20getIcon(", "require('./assets/favicons/favicon.ico')",
                    "require(%27./assets/favicons/favicon.ico%27)")


def ouvrir(url: str, capture: Path, attendre_ms: int = 2500):
    """Load `url`; return (page text values we need, console errors, off-machine requests)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: `make test` installs Debian's chromium package")
    erreurs, requetes_echouees, sorties = [], [], []
    with sync_playwright() as moteur:
        navigateur = moteur.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
        page = navigateur.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: m.type == "error" and erreurs.append(m.text))
        page.on("pageerror", lambda e: erreurs.append(str(e)))
        page.on("requestfailed", lambda r: requetes_echouees.append(r.url))
        page.on("response", lambda r: r.status >= 400 and requetes_echouees.append(r.url))
        page.on("request", lambda r: not r.url.startswith(
            ("file:", "data:", "blob:", "http://127.0.0.1", "about:")) and sorties.append(r.url))
        page.goto(url, wait_until="load")
        page.wait_for_timeout(attendre_ms)
        capture.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(capture), full_page=True)
        valeurs = {
            "nps": page.get_attribute("#nps-global", "data-valeur")
            if page.query_selector("#nps-global") else None,
            "texte": page.inner_text("body"),
            # The waterfalls of « Pourquoi le NPS a bougé » as Plotly drew them.
            "cascade": page.evaluate(
                "() => { const s = document.querySelector('#pourquoi-nps .js-plotly-plot');"
                " return s ? s.data.map(t => [t.y, t.measure]) : null; }"),
        }
        navigateur.close()
    return valeurs, erreurs, requetes_echouees, sorties


def test_rapport_dans_chromium(entrepot_echantillon, tmp_path):
    rapport = tmp_path / "rapport_nps.html"
    lancer_module("retailinsight.rapport", "--entrepot", entrepot_echantillon, "--sortie",
                  rapport, dossier_brut=ECHANTILLON, entrepot=entrepot_echantillon)
    valeurs, erreurs, echecs, sorties = ouvrir(rapport.as_uri(), CAPTURES / "rapport.png")
    assert erreurs == [] and echecs == [] and sorties == []
    nps = requete(entrepot_echantillon, "select nps from answers.nps_global")[0][0]
    assert float(valeurs["nps"]) == nps
    assert f"{nps:.1f}".replace(".", ",") in valeurs["texte"]
    for titre in ("NPS par mois", "NPS par source", "Carte des magasins",
                  "Classement des départements", "Note moyenne par typologie",
                  "Pourquoi le NPS a bougé", "Classement équitable des magasins"):
        assert titre in valeurs["texte"]
    # Each waterfall's parts add up to the model's change of the month (its total bar).
    variations = requete(entrepot_echantillon, """
        select variation_nps from analyse_nps.variation_nps
        where debut_apres = (select max(debut_apres) from analyse_nps.variation_nps
                             where type_comparaison = 'mois') and type_comparaison = 'mois'""")
    assert valeurs["cascade"] and len(valeurs["cascade"]) == len(variations) == 3
    for (variation,), (y, mesures) in zip(variations, valeurs["cascade"]):
        assert abs(sum(v for v, m in zip(y, mesures) if m == "relative") - variation) < 1e-9
    assert (CAPTURES / "rapport.png").stat().st_size > 50_000


def test_site_de_documentation_dans_chromium(docs_echantillon):
    """`dbt docs generate` then the site served over HTTP as `dbt docs serve` does."""
    gestionnaire = functools.partial(_Silencieux, directory=str(docs_echantillon))
    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), gestionnaire)
    threading.Thread(target=serveur.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{serveur.server_address[1]}/index.html#!/overview"
        valeurs, erreurs, echecs, sorties = ouvrir(url, CAPTURES / "docs.png", 4000)
    finally:
        serveur.shutdown()
    echecs = [u for u in echecs if not any(d in u for d in DEFAUTS_DBT_DOCS)]
    erreurs = [e for e in erreurs if "Failed to load resource" not in e]
    assert erreurs == [] and echecs == [] and sorties == []
    assert "The 19 questions" in valeurs["texte"]
    assert "nps_par_mois" in valeurs["texte"]


class _Silencieux(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
